package dev.vlm2vec.ffi;

import dev.vlm2vec.ffi.internal.vlm2vec_h;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the functions and structs declared in {@code vlm2vec.h} and maps their C types to
 * the layouts jextract would give them on Linux x86-64 (LP64), so the hand-kept bindings can
 * be checked against the header.
 */
final class HeaderDeclarations {

    record Function(String name, String returnType, List<String> parameterTypes) {}

    record Field(String name, String type, int arrayLength) {}

    private static final Pattern FUNCTION = Pattern.compile(
            "VLM2VEC_API\\s+([\\w\\s*]+?)\\s*\\b(vlm2vec_\\w+)\\s*\\(([^)]*)\\)\\s*;");
    private static final Pattern STRUCT = Pattern.compile(
            "typedef\\s+struct\\s+(\\w+)\\s*\\{([^}]*)}\\s*\\w+\\s*;");
    private static final Pattern FIELD = Pattern.compile("([\\w\\s*]+?)\\s*\\b(\\w+)\\s*(?:\\[(\\d+)])?\\s*;");

    private HeaderDeclarations() {}

    static String withoutComments(String header) {
        return header.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
    }

    static List<Function> functions(String header) {
        List<Function> functions = new ArrayList<>();
        Matcher matcher = FUNCTION.matcher(withoutComments(header));
        while (matcher.find()) {
            List<String> parameters = new ArrayList<>();
            String list = matcher.group(3).trim();
            if (!list.equals("void") && !list.isEmpty()) {
                for (String parameter : list.split(",")) {
                    // Drop the parameter name: the last identifier.
                    parameters.add(normalize(parameter.trim().replaceAll("\\w+$", "")));
                }
            }
            functions.add(new Function(matcher.group(2), normalize(matcher.group(1)), parameters));
        }
        return functions;
    }

    static Map<String, List<Field>> structs(String header) {
        Map<String, List<Field>> structs = new LinkedHashMap<>();
        Matcher matcher = STRUCT.matcher(withoutComments(header));
        while (matcher.find()) {
            List<Field> fields = new ArrayList<>();
            Matcher field = FIELD.matcher(matcher.group(2));
            while (field.find()) {
                fields.add(new Field(field.group(2), normalize(field.group(1)),
                        field.group(3) == null ? 0 : Integer.parseInt(field.group(3))));
            }
            structs.put(matcher.group(1), fields);
        }
        return structs;
    }

    private static String normalize(String type) {
        return type.replaceAll("\\s*\\*\\s*", "*").replaceAll("\\s+", " ").trim();
    }

    /** The layout jextract assigns a C type; fails on a type it does not know. */
    static MemoryLayout layoutOf(String cType) {
        if (cType.endsWith("*")) {
            return vlm2vec_h.C_POINTER;
        }
        return switch (cType.replace("const ", "")) {
            case "int32_t", "int" -> vlm2vec_h.C_INT;
            case "int64_t", "long", "size_t" -> vlm2vec_h.C_LONG;
            case "float" -> vlm2vec_h.C_FLOAT;
            case "double" -> vlm2vec_h.C_DOUBLE;
            case "char", "int8_t", "uint8_t" -> vlm2vec_h.C_CHAR;
            default -> throw new IllegalArgumentException("no layout mapping for C type '" + cType + "'");
        };
    }

    static FunctionDescriptor expectedDescriptor(Function function) {
        MemoryLayout[] arguments = function.parameterTypes().stream()
                .map(HeaderDeclarations::layoutOf)
                .toArray(MemoryLayout[]::new);
        return function.returnType().equals("void")
                ? FunctionDescriptor.ofVoid(arguments)
                : FunctionDescriptor.of(layoutOf(function.returnType()), arguments);
    }

    /** Every way the bindings class disagrees with the header; empty when they agree. */
    static List<String> mismatches(String header, Class<?> bindings) {
        List<String> problems = new ArrayList<>();
        for (Function function : functions(header)) {
            Method descriptorMethod;
            try {
                descriptorMethod = bindings.getMethod(function.name() + "$descriptor");
            } catch (NoSuchMethodException e) {
                problems.add(function.name() + ": declared in the header but has no binding");
                continue;
            }
            FunctionDescriptor actual;
            try {
                actual = (FunctionDescriptor) descriptorMethod.invoke(null);
            } catch (IllegalAccessException | InvocationTargetException e) {
                problems.add(function.name() + ": descriptor cannot be read: " + e);
                continue;
            }
            FunctionDescriptor expected = expectedDescriptor(function);
            if (!expected.equals(actual)) {
                problems.add(function.name() + ": binding descriptor " + actual + " but the header needs " + expected);
            }
        }
        return problems;
    }
}
