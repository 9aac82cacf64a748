package dev.vlm2vec.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlm2vec.ffi.internal.vlm2vec_h;
import java.io.IOException;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generator (tools/bindings, run by the build) and what it wrote into this build: every
 * function of native/include/vlm2vec.h has a binding with the descriptor its C types imply, every
 * struct the C layout rules give (offsets, sizes, padding), every constant its value.
 */
class GeneratedBindingsTest {

    private static String header;

    @BeforeAll
    static void readHeader() throws IOException {
        header = Files.readString(Path.of(System.getProperty("vlm2vec.test.header", "../native/include/vlm2vec.h")));
    }

    @Test
    void everyDeclaredFunctionHasAMatchingBinding() {
        List<HeaderDeclarations.Function> functions = HeaderDeclarations.functions(header);
        assertTrue(functions.size() >= 12, "parsed only " + functions.size() + " functions from the header");
        assertEquals(List.of(), HeaderDeclarations.mismatches(header, vlm2vec_h.class));
    }

    @Test
    void aFunctionWithoutBindingIsReported() {
        String extended = header.replace("#ifdef __cplusplus\n}",
                "VLM2VEC_API int32_t vlm2vec_not_bound(const float *x, int64_t n);\n#ifdef __cplusplus\n}");
        assertEquals(List.of("vlm2vec_not_bound: declared in the header but has no binding"),
                HeaderDeclarations.mismatches(extended, vlm2vec_h.class));
    }

    @Test
    void aChangedParameterTypeIsReported() {
        String changed = header.replace("vlm2vec_set_num_threads(int32_t num_threads)",
                "vlm2vec_set_num_threads(int64_t num_threads)");
        List<String> problems = HeaderDeclarations.mismatches(changed, vlm2vec_h.class);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("vlm2vec_set_num_threads: binding descriptor"), problems.get(0));
    }

    @Test
    void abiVersionConstantMatchesTheHeader() {
        var matcher = java.util.regex.Pattern.compile("#define VLM2VEC_ABI_VERSION (\\d+)").matcher(header);
        assertTrue(matcher.find());
        assertEquals(Integer.parseInt(matcher.group(1)), vlm2vec_h.VLM2VEC_ABI_VERSION());
    }

    @Test
    void theGeneratorBindsANewFunctionAndStruct() {
        String extended = header.replace("#ifdef __cplusplus\n}",
                "typedef struct vlm2vec_probe { int32_t a; int64_t b; float c; } vlm2vec_probe;\n"
                        + "VLM2VEC_API int32_t vlm2vec_probe_run(const vlm2vec_probe *probe, double scale);\n#ifdef __cplusplus\n}");
        Map<String, String> files = dev.vlm2vec.tools.GenerateBindings.generate(extended);
        String probe = files.get("vlm2vec_probe.java");
        assertTrue(probe != null, files.keySet().toString());
        // C pads the int32 to the int64's alignment and the struct to 24 bytes.
        assertTrue(probe.contains("vlm2vec_h.C_INT.withName(\"a\"),\n            MemoryLayout.paddingLayout(4),"), probe);
        assertTrue(probe.contains("/** 24 bytes. */"), probe);
        assertTrue(probe.contains("public static float c(MemorySegment struct) {\n        return struct.get(vlm2vec_h.C_FLOAT, 16);"),
                probe);
        String h = files.get("vlm2vec_h.java");
        assertTrue(h.contains("FunctionDescriptor.of(vlm2vec_h.C_INT, vlm2vec_h.C_POINTER, vlm2vec_h.C_DOUBLE)"), h);
        assertTrue(h.contains("public static int vlm2vec_probe_run(MemorySegment probe, double scale)"), h);
        assertTrue(h.contains("public static MemorySegment vlm2vec_probe_run$address()"), h);
        assertTrue(h.contains("public static MethodHandle vlm2vec_probe_run$handle()"), h);
    }

    @Test
    void theGeneratorRefusesATypeItCannotBind() {
        String extended = header.replace("#ifdef __cplusplus\n}",
                "VLM2VEC_API int32_t vlm2vec_odd(unsigned short x);\n#ifdef __cplusplus\n}");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> dev.vlm2vec.tools.GenerateBindings.generate(extended));
        assertTrue(e.getMessage().contains("no binding for the C type 'unsigned short'"), e.getMessage());
    }

    @Test
    void structLayoutsFollowTheHeaderFieldByField() throws Exception {
        Map<String, List<HeaderDeclarations.Field>> structs = HeaderDeclarations.structs(header);
        assertTrue(structs.size() >= 3, "parsed only " + structs.keySet());
        for (Map.Entry<String, List<HeaderDeclarations.Field>> struct : structs.entrySet()) {
            String name = struct.getKey();
            GroupLayout layout = (GroupLayout) Class.forName("dev.vlm2vec.ffi.internal." + name)
                    .getMethod("layout").invoke(null);
            List<HeaderDeclarations.Field> fields = struct.getValue();
            assertEquals(fields.size(), layout.memberLayouts().size(), "field count of " + name);
            long offset = 0;
            long alignment = 1;
            for (HeaderDeclarations.Field field : fields) {
                MemoryLayout element = HeaderDeclarations.layoutOf(field.type());
                long size = element.byteSize() * Math.max(1, field.arrayLength());
                alignment = Math.max(alignment, element.byteAlignment());
                offset = (offset + element.byteAlignment() - 1) / element.byteAlignment() * element.byteAlignment();
                PathElement path = PathElement.groupElement(field.name());
                assertEquals(offset, layout.byteOffset(path), "offset of " + name + "." + field.name());
                assertEquals(size, layout.select(path).byteSize(), "size of " + name + "." + field.name());
                offset += size;
            }
            long size = (offset + alignment - 1) / alignment * alignment;
            assertEquals(size, layout.byteSize(), "size of " + name);
        }
    }

    @Test
    void statusEnumMatchesTheHeaderCodes() {
        for (Status status : Status.values()) {
            if (status == Status.UNKNOWN) {
                continue;
            }
            String name = status == Status.OK ? "VLM2VEC_OK" : "VLM2VEC_ERR_" + status.name();
            var matcher = java.util.regex.Pattern.compile(name + " = (\\d+)").matcher(header);
            assertTrue(matcher.find(), name + " missing from the header");
            assertEquals(Integer.parseInt(matcher.group(1)), status.code(), name);
        }
    }
}
