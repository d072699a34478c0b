package io.cotrain.oracle.evaluation;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;

/**
 * Reads {@code coefficients.bin} (a flattened parameter vector written by {@code Nd4j.write}) without ND4J, so that
 * hostile headers (absurd lengths or shapes) never reach a native allocation. The layout of ND4J 1.0.0-M2.1, all
 * big-endian:
 *
 * <pre>
 *   UTF "MIXED_DATA_TYPES"   long n   UTF "LONG"   n longs: shape info [rank, shape..., stride..., extras, ews, order]
 *   UTF "MIXED_DATA_TYPES"   long len UTF "FLOAT" | "DOUBLE"   len values
 * </pre>
 *
 * <p>Accepted only if the shape is a vector or a 1 x len row, len equals the expected parameter count, and nothing
 * follows the values.
 */
final class CoefficientsReader {

    private static final String MODE = "MIXED_DATA_TYPES";

    private CoefficientsReader() {}

    static float[] read(byte[] bytes, long expectedCount) {
        try (var in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            expect(in.readUTF(), MODE, "shape header");
            long shapeLength = in.readLong();
            if (shapeLength < 4 || shapeLength > 2 * 32 + 4) {
                throw invalid("shape info of length " + shapeLength);
            }
            String shapeType = in.readUTF();
            if (!shapeType.equals("LONG")) {
                throw invalid("shape info of type " + shorten(shapeType));
            }
            long[] shapeInfo = new long[(int) shapeLength];
            for (int i = 0; i < shapeInfo.length; i++) {
                shapeInfo[i] = in.readLong();
            }
            long rank = shapeInfo[0];
            if (rank < 1 || rank > 2 || shapeLength != 2 * rank + 4) {
                throw invalid("parameters of rank " + rank);
            }
            long elements = 1;
            for (int i = 1; i <= rank; i++) {
                if (shapeInfo[i] < 1 || shapeInfo[i] > Integer.MAX_VALUE) {
                    throw invalid("parameter shape dimension " + shapeInfo[i]);
                }
                elements *= shapeInfo[i];
            }
            if (rank == 2 && shapeInfo[1] != 1) {
                throw invalid("parameters of shape " + shapeInfo[1] + " x " + shapeInfo[2] + ", not a row vector");
            }
            if (elements != expectedCount) {
                throw new InvalidModelException(
                        "the model has " + elements + " parameter values, expected " + expectedCount);
            }
            expect(in.readUTF(), MODE, "data header");
            long length = in.readLong();
            if (length != expectedCount) {
                throw new InvalidModelException(
                        "the model has " + length + " parameter values, expected " + expectedCount);
            }
            String type = in.readUTF();
            float[] values = new float[(int) length];
            switch (type) {
                case "FLOAT" -> {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = in.readFloat();
                    }
                }
                case "DOUBLE" -> {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = (float) in.readDouble();
                    }
                }
                default -> throw invalid("parameters of type " + shorten(type));
            }
            if (in.read() != -1) {
                throw invalid("trailing bytes after the parameters");
            }
            return values;
        } catch (IOException e) {
            throw invalid("truncated (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static void expect(String actual, String expected, String what) {
        if (!actual.equals(expected)) {
            throw invalid(what + " '" + shorten(actual) + "'");
        }
    }

    private static InvalidModelException invalid(String problem) {
        return new InvalidModelException("not a DL4J model: coefficients.bin: " + problem);
    }

    private static String shorten(String s) {
        String printable = s.replaceAll("[^ -~]", "?");
        return printable.length() <= 20 ? printable : printable.substring(0, 17) + "...";
    }
}
