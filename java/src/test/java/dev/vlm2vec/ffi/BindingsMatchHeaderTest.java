package dev.vlm2vec.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlm2vec.ffi.internal.vlm2vec_h;
import dev.vlm2vec.ffi.internal.vlm2vec_runtime_info;
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

/** The hand-kept jextract-shaped bindings must agree with native/include/vlm2vec.h. */
class BindingsMatchHeaderTest {

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
    void structLayoutsFollowTheHeaderFieldByField() {
        Map<String, List<HeaderDeclarations.Field>> structs = HeaderDeclarations.structs(header);
        List<HeaderDeclarations.Field> fields = structs.get("vlm2vec_runtime_info");
        GroupLayout layout = vlm2vec_runtime_info.layout();
        assertEquals(fields.size(), layout.memberLayouts().size(), "field count of vlm2vec_runtime_info");
        long offset = 0;
        for (HeaderDeclarations.Field field : fields) {
            MemoryLayout element = HeaderDeclarations.layoutOf(field.type());
            long size = element.byteSize() * Math.max(1, field.arrayLength());
            offset = (offset + element.byteAlignment() - 1) / element.byteAlignment() * element.byteAlignment();
            assertEquals(offset, layout.byteOffset(PathElement.groupElement(field.name())), "offset of " + field.name());
            assertEquals(size, layout.select(PathElement.groupElement(field.name())).byteSize(), "size of " + field.name());
            offset += size;
        }
        assertEquals(offset, layout.byteSize(), "size of vlm2vec_runtime_info");
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
