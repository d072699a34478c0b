package io.cotrain.oracle.evaluation;

/**
 * The size of an image task's images: every image of its data sets has exactly this width and height, grayscale (one
 * channel) or RGB (three). The model sees an image as {@code channels * height * width} values in [0, 1] (a sample
 * over its maximum, 255 for 8-bit images), channel by channel, each row by row: the flat layout DL4J's
 * {@code InputType.convolutionalFlat(height, width, channels)} reshapes.
 *
 * @param width    pixels per row, 1 to {@value #MAX_SIDE}
 * @param height   rows, 1 to {@value #MAX_SIDE}
 * @param channels 1 (grayscale) or 3 (RGB)
 */
public record ImageShape(int width, int height, int channels) {
    /** The longest side of an image. */
    public static final int MAX_SIDE = 128;
    /** The most values an image may give the model. */
    public static final int MAX_VALUES = 16_384;

    public ImageShape {
        if (width < 1 || width > MAX_SIDE || height < 1 || height > MAX_SIDE) {
            throw new IllegalArgumentException(
                    "images must be 1 to " + MAX_SIDE + " pixels on each side, got " + width + "x" + height);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images have 1 (grayscale) or 3 (RGB) channels, got " + channels);
        }
        if ((long) width * height * channels > MAX_VALUES) {
            throw new IllegalArgumentException(width + "x" + height + "x" + channels + " images give more than "
                    + MAX_VALUES + " values: use smaller images");
        }
    }

    /** The values an image gives the model: {@code channels * height * width}. */
    public int values() {
        return channels * height * width;
    }

    @Override
    public String toString() {
        return width + "x" + height + (channels == 1 ? " grayscale" : " RGB");
    }
}
