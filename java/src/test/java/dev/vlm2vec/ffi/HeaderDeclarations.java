package dev.vlm2vec.ffi;

import dev.vlm2vec.ffi.internal.vlm2vec_h;
import dev.vlm2vec.tools.GenerateBindings;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The functions and structs declared in {@code vlm2vec.h} (as the generator reads them) with
 * the layouts their C types have on Linux x86-64 (LP64), mapped here on their own, so the
 * generated bindings can be checked against the header.
 */
final class HeaderDeclarations {

    record Function(String name, String returnType, List<String> parameterTypes) {}

    record Field(String name, String type, int arrayLength) {}

    private HeaderDeclarations() {}

    // The generator's reader: the test checks what it maps the types to, independently.
    static List<Function> functions(String header) {
        return GenerateBindings.parse(header).functions().stream()
                .map(f -> new Function(f.name(), f.returnType(), f.parameterTypes())).toList();
    }

    static Map<String, List<Field>> structs(String header) {
        Map<String, List<Field>> structs = new LinkedHashMap<>();
        for (GenerateBindings.Struct struct : GenerateBindings.parse(header).structs()) {
            structs.put(struct.name(), struct.fields().stream().map(f -> new Field(f.name(), f.type(), f.arrayLength())).toList());
        }
        return structs;
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
