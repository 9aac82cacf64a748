package dev.vlm2vec.ffi;

import org.jspecify.annotations.NullMarked;

/**
 * Facts about the native runtime: what {@code vlm2vec --version} and {@code vlm2vec doctor}
 * report.
 *
 * @param torchVersion libtorch version, e.g. {@code 1.13.0}
 * @param blasKind which BLAS provides libtorch's matrix products
 * @param blasVersion e.g. {@code OpenBLAS 0.3.21 DYNAMIC_ARCH ...}; empty when unknown
 * @param blasLibrary the file providing {@code sgemm_}; empty when it cannot be found
 * @param cudaCompiled libtorch was built with CUDA
 * @param cudaAvailable a CUDA device is usable now
 * @param cudaDeviceCount number of usable CUDA devices
 * @param cudaKernels this library carries the custom CUDA kernels
 * @param threads libtorch intra-op threads
 * @param interopThreads libtorch inter-op threads
 * @param availableCpus logical CPUs this process may run on
 */
@NullMarked
public record RuntimeInfo(
        String torchVersion,
        BlasKind blasKind,
        String blasVersion,
        String blasLibrary,
        boolean cudaCompiled,
        boolean cudaAvailable,
        int cudaDeviceCount,
        boolean cudaKernels,
        int threads,
        int interopThreads,
        int availableCpus) {

    /** One line for {@code --version}: the BLAS and where it comes from. */
    public String blasDescription() {
        String name = blasVersion.isEmpty() ? blasKind.toString() : blasVersion;
        return blasLibrary.isEmpty() ? name : name + " (" + blasLibrary + ")";
    }
}
