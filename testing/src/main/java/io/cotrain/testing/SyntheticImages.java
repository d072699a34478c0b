package io.cotrain.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/**
 * SYNTHETIC TEST DATA: small grayscale images of three shapes (a ring, a cross, a square outline) at random places and
 * sizes on a noisy background, as an image task's data set: a zip archive with one folder per class of PNG files.
 * Deterministic: the same stream gives the same bytes. Made for tests only; nothing here is real data.
 */
public final class SyntheticImages {
    /** The classes, in string order (the folders). */
    public static final List<String> CLASSES = List.of("circle", "cross", "square");
    /** Width and height of every image. */
    public static final int SIDE = 16;

    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    private SyntheticImages() {}

    /** An archive of {@code perClass} images of each class, drawn from stream {@code stream}. */
    public static byte[] archive(int perClass, long stream) {
        var random = new SplittableRandom(stream);
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bytes)) {
            for (int i = 0; i < perClass; i++) {
                for (int c = 0; c < CLASSES.size(); c++) {
                    var entry = new ZipEntry(String.format(Locale.ROOT, "%s/%04d.png", CLASSES.get(c), i));
                    entry.setTimeLocal(ENTRY_TIME);
                    zip.putNextEntry(entry);
                    ImageIO.write(image(c, random), "png", zip);
                    zip.closeEntry();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static BufferedImage image(int shape, SplittableRandom random) {
        var image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_BYTE_GRAY);
        int radius = 3 + random.nextInt(3);
        int cx = radius + 1 + random.nextInt(SIDE - 2 * radius - 2);
        int cy = radius + 1 + random.nextInt(SIDE - 2 * radius - 2);
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int dx = x - cx;
                int dy = y - cy;
                boolean on = switch (shape) {
                    case 0 -> Math.abs(Math.sqrt(dx * dx + dy * dy) - radius) < 0.7;
                    case 1 -> (dx == 0 || dy == 0) && Math.abs(dx) + Math.abs(dy) <= radius;
                    default -> Math.max(Math.abs(dx), Math.abs(dy)) == radius;
                };
                int value = on ? 170 + random.nextInt(86) : random.nextInt(60);
                image.getRaster().setSample(x, y, 0, value);
            }
        }
        return image;
    }
}
