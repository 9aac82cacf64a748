package dev.vlm2vec.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the Java FFM bindings of {@code native/include/vlm2vec.h} in the shape jextract gives
 * them (a header class {@code vlm2vec_h} with the constants, C layouts and one static method per
 * function; one class per struct with its layout and field accessors), so the hand-written
 * wrappers in {@code dev.vlm2vec.ffi} call them as they would call jextract's. jextract itself is
 * not obtainable from this project's registries; the header follows a small C subset (fixed-width
 * integers, float, double, char arrays, pointers, typedef'd enums and structs), which is all this
 * reads. Run by the build in generate-sources:
 * {@code java tools/bindings/src/dev/vlm2vec/tools/GenerateBindings.java HEADER OUT_DIR}.
 */
public final class GenerateBindings {

    /** A C type as the bindings see it: its layout constant in vlm2vec_h and its Java carrier. */
    public record CType(String layout, String carrier, long size) {}

    public record Function(String name, String returnType, List<String> parameterTypes, List<String> parameterNames,
            String declaration) {}

    public record Field(String name, String type, int arrayLength) {}

    public record Struct(String name, List<Field> fields) {}

    public record Header(Map<String, Long> constants, List<Struct> structs, List<Function> functions) {}

    static final String PACKAGE = "dev.vlm2vec.ffi.internal";

    private static final Pattern DEFINE = Pattern.compile("#define\\s+(VLM2VEC_\\w+)\\s+(-?\\d+)\\b");
    private static final Pattern ENUM = Pattern.compile("typedef\\s+enum\\s+\\w+\\s*\\{([^}]*)}\\s*\\w+\\s*;");
    private static final Pattern ENUMERATOR = Pattern.compile("(\\w+)\\s*=\\s*(-?\\d+)");
    private static final Pattern STRUCT = Pattern.compile("typedef\\s+struct\\s+(\\w+)\\s*\\{([^}]*)}\\s*\\w+\\s*;");
    private static final Pattern FIELD = Pattern.compile("([\\w\\s*]+?)\\s*\\b(\\w+)\\s*(?:\\[(\\d+)])?\\s*;");
    private static final Pattern FUNCTION = Pattern.compile(
            "VLM2VEC_API\\s+([\\w\\s*]+?)\\s*\\b(vlm2vec_\\w+)\\s*\\(([^)]*)\\)\\s*;");

    private GenerateBindings() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: GenerateBindings HEADER OUT_DIR");
            System.exit(2);
        }
        Path header = Path.of(args[0]);
        Path out = Path.of(args[1]).resolve(PACKAGE.replace('.', '/'));
        Files.createDirectories(out);
        for (Map.Entry<String, String> file : generate(Files.readString(header)).entrySet()) {
            Path target = out.resolve(file.getKey());
            // Rewritten only when it changes, so the compiler's stale check stays quiet.
            if (Files.exists(target) && Files.readString(target).equals(file.getValue())) {
                continue;
            }
            Path temporary = out.resolve(file.getKey() + ".tmp");
            Files.writeString(temporary, file.getValue());
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** File name -> Java source, for every class the header implies. */
    public static Map<String, String> generate(String headerText) {
        Header header = parse(headerText);
        Map<String, String> files = new LinkedHashMap<>();
        files.put("vlm2vec_h.java", headerClass(header));
        for (Struct struct : header.structs()) {
            files.put(struct.name() + ".java", structClass(struct));
        }
        return files;
    }

    public static String withoutComments(String header) {
        return header.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
    }

    public static Header parse(String headerText) {
        String code = withoutComments(headerText);
        Map<String, Long> constants = new LinkedHashMap<>();
        Matcher define = DEFINE.matcher(code);
        while (define.find()) {
            constants.put(define.group(1), Long.parseLong(define.group(2)));
        }
        Matcher enumeration = ENUM.matcher(code);
        while (enumeration.find()) {
            Matcher value = ENUMERATOR.matcher(enumeration.group(1));
            while (value.find()) {
                constants.put(value.group(1), Long.parseLong(value.group(2)));
            }
        }
        List<Struct> structs = new ArrayList<>();
        Matcher struct = STRUCT.matcher(code);
        while (struct.find()) {
            List<Field> fields = new ArrayList<>();
            Matcher field = FIELD.matcher(struct.group(2));
            while (field.find()) {
                fields.add(new Field(field.group(2), normalize(field.group(1)),
                        field.group(3) == null ? 0 : Integer.parseInt(field.group(3))));
            }
            structs.add(new Struct(struct.group(1), fields));
        }
        List<Function> functions = new ArrayList<>();
        Matcher function = FUNCTION.matcher(code);
        while (function.find()) {
            List<String> types = new ArrayList<>();
            List<String> names = new ArrayList<>();
            String list = function.group(3).trim();
            if (!list.equals("void") && !list.isEmpty()) {
                for (String parameter : list.split(",")) {
                    Matcher name = Pattern.compile("(\\w+)\\s*$").matcher(parameter.trim());
                    if (!name.find()) {
                        throw new IllegalArgumentException(function.group(2) + ": a parameter without a name: " + parameter);
                    }
                    names.add(name.group(1));
                    types.add(normalize(parameter.trim().substring(0, name.start()).trim()));
                }
            }
            String declaration = function.group(0).replaceFirst("VLM2VEC_API\\s+", "").replaceAll("\\s+", " ")
                    .replaceAll(";$", "");
            functions.add(new Function(function.group(2), normalize(function.group(1)), types, names, declaration));
        }
        return new Header(constants, structs, functions);
    }

    private static String normalize(String type) {
        return type.replaceAll("\\s*\\*\\s*", "*").replaceAll("\\s+", " ").trim();
    }

    /** How a C type is bound on Linux x86-64 (LP64); an unknown type is an error naming it. */
    public static CType typeOf(String cType) {
        if (cType.endsWith("*")) {
            return new CType("C_POINTER", "MemorySegment", 8);
        }
        return switch (cType.replace("const ", "")) {
            case "int32_t", "int" -> new CType("C_INT", "int", 4);
            case "int64_t", "long", "size_t" -> new CType("C_LONG", "long", 8);
            case "float" -> new CType("C_FLOAT", "float", 4);
            case "double" -> new CType("C_DOUBLE", "double", 8);
            case "char", "int8_t", "uint8_t" -> new CType("C_CHAR", "byte", 1);
            case "void" -> new CType("", "void", 0);
            default -> throw new IllegalArgumentException("vlm2vec.h: no binding for the C type '" + cType
                    + "'; use a fixed-width integer, float, double, char or a pointer");
        };
    }

    private static String headerClass(Header header) {
        StringBuilder s = new StringBuilder();
        s.append("""
                // Generated from native/include/vlm2vec.h by tools/bindings (GenerateBindings); do not edit.

                package %s;

                import java.lang.foreign.*;
                import java.lang.invoke.MethodHandle;

                public final class vlm2vec_h {

                    private vlm2vec_h() {}

                    // The library is loaded with System.load by dev.vlm2vec.ffi.NativeLibrary before any
                    // binding is used, so the class loader's lookup finds its symbols.
                    static final SymbolLookup SYMBOL_LOOKUP = SymbolLookup.loaderLookup()
                            .or(Linker.nativeLinker().defaultLookup());

                    static MemorySegment findOrThrow(String symbol) {
                        return SYMBOL_LOOKUP.find(symbol)
                                .orElseThrow(() -> new UnsatisfiedLinkError("unresolved symbol: " + symbol));
                    }

                    public static final ValueLayout.OfByte C_CHAR = ValueLayout.JAVA_BYTE;
                    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
                    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
                    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
                    public static final ValueLayout.OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;
                    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS
                            .withTargetLayout(MemoryLayout.sequenceLayout(java.lang.Long.MAX_VALUE, ValueLayout.JAVA_BYTE));
                """.formatted(PACKAGE));
        for (Map.Entry<String, Long> constant : header.constants().entrySet()) {
            s.append("""

                        /** {@code %s = %d} */
                        public static int %s() {
                            return %d;
                        }
                    """.formatted(constant.getKey(), constant.getValue(), constant.getKey(), constant.getValue()));
        }
        for (Function function : header.functions()) {
            s.append(functionBinding(function));
        }
        s.append("}\n");
        return s.toString();
    }

    private static String functionBinding(Function f) {
        CType result = typeOf(f.returnType());
        List<String> layouts = new ArrayList<>();
        List<String> parameters = new ArrayList<>();
        for (int i = 0; i < f.parameterTypes().size(); i++) {
            CType type = typeOf(f.parameterTypes().get(i));
            layouts.add("vlm2vec_h." + type.layout());
            parameters.add(type.carrier() + " " + f.parameterNames().get(i));
        }
        String descriptor = result.carrier().equals("void")
                ? "FunctionDescriptor.ofVoid(" + String.join(", ", layouts) + ")"
                : "FunctionDescriptor.of(" + String.join(", ", prepend("vlm2vec_h." + result.layout(), layouts)) + ")";
        String call = "HANDLE.invokeExact(" + String.join(", ", f.parameterNames()) + ")";
        String body = result.carrier().equals("void") ? call + ";" : "return (" + result.carrier() + ") " + call + ";";
        return """

                    // The descriptor apart from the symbol, so that it can be read before the library is loaded.
                    private static final FunctionDescriptor %1$s$DESC = %2$s;

                    private static final class %1$s$binding {
                        static final MemorySegment ADDR = findOrThrow("%1$s");
                        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, %1$s$DESC);
                    }

                    /** Function descriptor of {@code %3$s}. */
                    public static FunctionDescriptor %1$s$descriptor() {
                        return %1$s$DESC;
                    }

                    /** Downcall handle of {@code %3$s}. */
                    public static MethodHandle %1$s$handle() {
                        return %1$s$binding.HANDLE;
                    }

                    /** Address of {@code %3$s} (for handles with other linker options, e.g. critical). */
                    public static MemorySegment %1$s$address() {
                        return %1$s$binding.ADDR;
                    }

                    /** {@code %3$s} */
                    public static %4$s %1$s(%5$s) {
                        try {
                            %6$s
                        } catch (Error | RuntimeException e) {
                            throw e;
                        } catch (Throwable e) {
                            throw new AssertionError("should not reach here", e);
                        }
                    }
                """.formatted(f.name(), descriptor, f.declaration().replace("*/", "* /"), result.carrier(),
                String.join(", ", parameters), body.replace("HANDLE.", f.name() + "$binding.HANDLE."));
    }

    private static List<String> prepend(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static String structClass(Struct struct) {
        StringBuilder members = new StringBuilder();
        StringBuilder accessors = new StringBuilder();
        long offset = 0;
        long alignment = 1;
        int padding = 0;
        for (Field field : struct.fields()) {
            CType type = typeOf(field.type());
            long fieldAlignment = type.size();
            long aligned = (offset + fieldAlignment - 1) / fieldAlignment * fieldAlignment;
            if (aligned > offset) {
                members.append("            MemoryLayout.paddingLayout(").append(aligned - offset).append("),\n");
                padding++;
            }
            offset = aligned;
            alignment = Math.max(alignment, fieldAlignment);
            String layout = "vlm2vec_h." + type.layout();
            if (field.arrayLength() > 0) {
                members.append("            MemoryLayout.sequenceLayout(").append(field.arrayLength()).append(", ")
                        .append(layout).append(").withName(\"").append(field.name()).append("\"),\n");
                accessors.append(arrayAccessors(field, type, offset));
                offset += type.size() * field.arrayLength();
            } else {
                members.append("            ").append(layout).append(".withName(\"").append(field.name()).append("\"),\n");
                accessors.append(scalarAccessors(field, type, offset));
                offset += type.size();
            }
        }
        long size = (offset + alignment - 1) / alignment * alignment;
        if (size > offset) {
            members.append("            MemoryLayout.paddingLayout(").append(size - offset).append("),\n");
        }
        String memberList = members.substring(0, members.length() - 2) + "\n";
        return """
                // Generated from native/include/vlm2vec.h by tools/bindings (GenerateBindings); do not edit.

                package %1$s;

                import java.lang.foreign.*;

                public final class %2$s {

                    private %2$s() {}

                    private static final GroupLayout LAYOUT = MemoryLayout.structLayout(
                %3$s        ).withName("%2$s");

                    public static GroupLayout layout() {
                        return LAYOUT;
                    }

                    /** %4$d bytes. */
                    public static long sizeof() {
                        return LAYOUT.byteSize();
                    }

                    public static MemorySegment allocate(SegmentAllocator allocator) {
                        return allocator.allocate(LAYOUT);
                    }

                    public static MemorySegment allocateArray(long count, SegmentAllocator allocator) {
                        return allocator.allocate(MemoryLayout.sequenceLayout(count, LAYOUT));
                    }

                    /** Element index of an array of these structs. */
                    public static MemorySegment asSlice(MemorySegment array, long index) {
                        return array.asSlice(LAYOUT.byteSize() * index, LAYOUT);
                    }
                %5$s}
                """.formatted(PACKAGE, struct.name(), memberList, size, accessors);
    }

    private static String valueLayout(CType type) {
        return "vlm2vec_h." + type.layout();
    }

    private static String scalarAccessors(Field field, CType type, long offset) {
        return """

                    public static %1$s %2$s(MemorySegment struct) {
                        return struct.get(%3$s, %4$d);
                    }

                    public static void %2$s(MemorySegment struct, %1$s value) {
                        struct.set(%3$s, %4$d, value);
                    }
                """.formatted(type.carrier(), field.name(), valueLayout(type), offset);
    }

    private static String arrayAccessors(Field field, CType type, long offset) {
        return """

                    /** The %5$d-element array {@code %2$s} in place. */
                    public static MemorySegment %2$s(MemorySegment struct) {
                        return struct.asSlice(%4$d, %6$d);
                    }

                    public static %1$s %2$s(MemorySegment struct, long index) {
                        return struct.get(%3$s, %4$d + java.util.Objects.checkIndex(index, %5$d) * %7$d);
                    }

                    public static void %2$s(MemorySegment struct, long index, %1$s value) {
                        struct.set(%3$s, %4$d + java.util.Objects.checkIndex(index, %5$d) * %7$d, value);
                    }
                """.formatted(type.carrier(), field.name(), valueLayout(type), offset, field.arrayLength(),
                type.size() * field.arrayLength(), type.size());
    }
}
