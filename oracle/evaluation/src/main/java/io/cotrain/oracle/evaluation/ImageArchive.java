package io.cotrain.oracle.evaluation;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * An image task's data set: a zip archive with one folder per class, named by the class, holding that class's PNG
 * images ({@code cat/0001.png}, {@code dog/0001.png}, ...), read strictly and bounded before anything is decoded.
 *
 * <p>The archive has at most {@link EvaluationLimits#maxDatasetBytes()} bytes, and its entries at most as many bytes
 * uncompressed (read in bounded chunks, never trusting the declared sizes); at most
 * {@link EvaluationLimits#maxDatasetRows()} images, and at most {@link #maxValues} values in all. Every file entry is
 * {@code folder/name.png} one level deep, its folder one of the task's classes; each PNG's size is read from its
 * header and must be the task's before its pixels are decoded; a grayscale task takes single-channel images, an RGB
 * task images with three colour channels (an alpha channel is ignored). Every error is a
 * {@link DatasetFormatException} naming the entry.
 */
public final class ImageArchive {
    /** The zip's local file header signature: how an image archive is told from a table. */
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

    private static final int CHUNK = 8_192;

    /**
     * The images of an archive, by entry order.
     *
     * @param names   each image's entry name
     * @param values  each image's values in the model's layout ({@link ImageShape})
     * @param classes each image's class
     */
    record Images(List<String> names, List<float[]> values, int[] classes) {}

    private ImageArchive() {}

    /** Whether the bytes are a zip archive (rather than CSV or JSON records). */
    public static boolean isArchive(byte[] data) {
        return data.length >= ZIP_MAGIC.length && Arrays.equals(data, 0, ZIP_MAGIC.length, ZIP_MAGIC, 0, 4);
    }

    /**
     * Reads every image of an archive against a schema's shape and classes.
     *
     * @throws DatasetFormatException naming the entry and what is wrong
     */
    static Images read(byte[] archive, DataSchema schema, EvaluationLimits limits) {
        ImageShape shape = schema.image().orElseThrow(() -> new IllegalArgumentException("not an image task"));
        Map<String, Integer> classIndex = new TreeMap<>();
        for (int c = 0; c < schema.classNames().size(); c++)
            classIndex.put(schema.classNames().get(c), c);
        List<String> names = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        List<Integer> classes = new ArrayList<>();
        long maxImages = maxValues(limits) / shape.values();
        forEachImage(archive, limits, (index, folder, name, png) -> {
            if (index > maxImages) {
                throw at(
                        index,
                        name,
                        "is one image too many: the task's " + shape + " images may number at most " + maxImages
                                + " in one data set (" + maxValues(limits) + " values)");
            }
            Integer label = classIndex.get(folder);
            if (label == null) {
                throw at(
                        index,
                        name,
                        "folder '" + TableReader.shorten(folder) + "' is not one of the task's classes "
                                + TableReader.shorten(String.join(",", schema.classNames())));
            }
            names.add(name);
            values.add(pixels(decode(index, name, png, shape), index, name, shape));
            classes.add(label);
        });
        if (names.isEmpty()) throw new DatasetFormatException("image", 0, null, "the archive holds no PNG image");
        return new Images(
                names, values, classes.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * The most values a data set of images may decode to: what the largest CSV could hold (a value and a comma take at
     * least two bytes), so that small PNGs of one colour cannot decode to more memory than a table of the same limits.
     */
    static long maxValues(EvaluationLimits limits) {
        return limits.maxDatasetBytes() / 2;
    }

    /**
     * The shape and class names an archive gives: its folders, in string order, and its first image's size and
     * channels.
     *
     * @throws DatasetFormatException when the archive is not a set of images a task can be made of
     */
    static DataSchema derive(byte[] archive, EvaluationLimits limits) {
        TreeSet<String> folders = new TreeSet<>();
        ImageShape[] shape = new ImageShape[1];
        forEachImage(archive, limits, (index, folder, name, png) -> {
            folders.add(folder);
            if (shape[0] == null) shape[0] = shapeOf(index, name, png);
        });
        if (shape[0] == null) throw new DatasetFormatException("image", 0, null, "the archive holds no PNG image");
        if (folders.size() < 2 || folders.size() > DataSchema.MAX_CLASSES) {
            throw new DatasetFormatException(
                    "image",
                    0,
                    null,
                    "the archive's folders name " + folders.size() + " classes: an image task needs 2 to "
                            + DataSchema.MAX_CLASSES + ", one folder each");
        }
        return DataSchema.images(shape[0], List.copyOf(folders));
    }

    private interface ImageVisitor {
        void image(int index, String folder, String name, byte[] png);
    }

    private static void forEachImage(byte[] archive, EvaluationLimits limits, ImageVisitor visitor) {
        if (archive.length > limits.maxDatasetBytes()) {
            throw new DatasetFormatException(
                    "image",
                    0,
                    null,
                    "the archive has " + archive.length + " bytes, more than the limit of " + limits.maxDatasetBytes());
        }
        long budget = limits.maxDatasetBytes();
        int index = 0;
        try (var zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                String name = entry.getName();
                if (entry.isDirectory()) {
                    if (name.indexOf('/') != name.length() - 1) throw at(index + 1, name, "folders are one level deep");
                    readBounded(zip, 0, index + 1, name); // a folder entry carries nothing to inflate
                    continue;
                }
                index++;
                if (index > limits.maxDatasetRows()) {
                    throw at(index, name, "more than " + limits.maxDatasetRows() + " images");
                }
                int slash = name.indexOf('/');
                if (slash <= 0
                        || slash != name.lastIndexOf('/')
                        || !name.toLowerCase(Locale.ROOT).endsWith(".png")) {
                    throw at(index, name, "entries are class/name.png, one folder per class");
                }
                byte[] png = readBounded(zip, budget, index, name);
                budget -= png.length;
                visitor.image(index, name.substring(0, slash), name, png);
            }
        } catch (ZipException | IllegalArgumentException e) {
            // an entry name that is not UTF-8 is an IllegalArgumentException before JDK 23, a ZipException after
            throw new DatasetFormatException("image", index, null, "not a readable zip archive: " + e.getMessage());
        } catch (IOException e) {
            throw new DatasetFormatException("image", index, null, "cannot read the archive: " + e.getMessage());
        }
    }

    private static byte[] readBounded(ZipInputStream zip, long budget, int index, String name) throws IOException {
        var out = new ByteArrayOutputStream();
        byte[] chunk = new byte[CHUNK];
        for (int n = zip.read(chunk); n >= 0; n = zip.read(chunk)) {
            if (out.size() + (long) n > budget) {
                throw at(index, name, "the archive's images add up to more bytes than the limit uncompressed");
            }
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }

    private static ImageShape shapeOf(int index, String name, byte[] png) {
        try (ImageInputStream in = memory(png)) {
            ImageReader reader = pngReader(in, index, name);
            try {
                reader.setInput(in, true, true);
                boolean gray = isGray(reader.getImageTypes(0).next().getColorModel());
                return new ImageShape(reader.getWidth(0), reader.getHeight(0), gray ? 1 : 3);
            } finally {
                reader.dispose();
            }
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            throw at(index, name, "not an image a task can take: " + e.getMessage());
        }
    }

    /** Decodes a PNG whose header says it has the task's size: nothing larger is ever decoded. */
    private static BufferedImage decode(int index, String name, byte[] png, ImageShape shape) {
        try (ImageInputStream in = memory(png)) {
            ImageReader reader = pngReader(in, index, name);
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width != shape.width() || height != shape.height()) {
                    throw at(index, name, "is " + width + "x" + height + ", the task's images are " + shape);
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DatasetFormatException format) throw format;
            throw at(index, name, "not a readable PNG: " + e.getMessage());
        }
    }

    /** The PNG's bytes as an image stream kept in memory: no cache file per image, whatever the temp directory. */
    private static ImageInputStream memory(byte[] png) {
        return new MemoryCacheImageInputStream(new ByteArrayInputStream(png));
    }

    private static ImageReader pngReader(ImageInputStream in, int index, String name) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        while (readers.hasNext()) {
            ImageReader reader = readers.next();
            try {
                if (reader.getFormatName().equalsIgnoreCase("png")) return reader;
            } catch (IOException ignored) {
                // not this reader
            }
            reader.dispose();
        }
        throw at(index, name, "not a PNG image");
    }

    /**
     * The image's values in the model's layout: a grayscale image's samples over their maximum, an RGB (or paletted)
     * image's 8-bit red, green and blue over 255.
     */
    private static float[] pixels(BufferedImage image, int index, String name, ImageShape shape) {
        boolean gray = isGray(image.getColorModel());
        if ((shape.channels() == 1) != gray) {
            throw at(index, name, "is " + (gray ? "grayscale" : "in colour") + ", the task's images are " + shape);
        }
        int plane = shape.width() * shape.height();
        float[] values = new float[shape.values()];
        Raster raster = image.getRaster();
        boolean palette = image.getColorModel() instanceof IndexColorModel;
        float grayMax = (1 << image.getColorModel().getComponentSize(0)) - 1;
        for (int y = 0; y < shape.height(); y++) {
            for (int x = 0; x < shape.width(); x++) {
                int at = y * shape.width() + x;
                if (gray) {
                    values[at] = palette ? (image.getRGB(x, y) & 0xff) / 255f : raster.getSample(x, y, 0) / grayMax;
                    continue;
                }
                int rgb = image.getRGB(x, y);
                values[at] = ((rgb >> 16) & 0xff) / 255f;
                values[plane + at] = ((rgb >> 8) & 0xff) / 255f;
                values[2 * plane + at] = (rgb & 0xff) / 255f;
            }
        }
        return values;
    }

    /** Grayscale: a gray colour space, or a palette of grays (how 1, 2 and 4-bit grayscale PNGs are read). */
    private static boolean isGray(ColorModel model) {
        if (model instanceof IndexColorModel palette) {
            for (int i = 0; i < palette.getMapSize(); i++) {
                if (palette.getRed(i) != palette.getGreen(i) || palette.getRed(i) != palette.getBlue(i)) return false;
            }
            return true;
        }
        return model.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    }

    private static DatasetFormatException at(int index, String name, String problem) {
        return new DatasetFormatException("image", index, null, "'" + TableReader.shorten(name) + "' " + problem);
    }
}
