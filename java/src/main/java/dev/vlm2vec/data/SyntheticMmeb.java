package dev.vlm2vec.data;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * MMEB-mini: small synthetic train and eval sets for all four meta-tasks in exactly the
 * published layout (parquet + images), drawn here: coloured shapes at positions, counted,
 * captioned, and cropped for grounding. Deterministic for a seed (SplittableRandom and
 * Java2D without antialiasing are specified bit for bit).
 *
 * <pre>
 * OUT/eval/MINI-*&#47;test-00000-of-00001.parquet       qry_text, qry_img_path, tgt_text[], tgt_img_path[]
 * OUT/eval/images/MINI-*&#47;*.png
 * OUT/train/MINI-*&#47;original-00000-of-00001.parquet  qry, qry_image_path, pos_text, pos_image_path, neg_text, neg_image_path
 * OUT/train/images/MINI-*&#47;*.png
 * </pre>
 */
@NullMarked
public final class SyntheticMmeb {

    static final String[] SHAPES = {"circle", "square", "triangle", "cross"};
    static final String[] COLOURS = {"red", "green", "blue", "yellow", "purple", "orange"};
    private static final Color[] PAINTS = {new Color(220, 30, 30), new Color(30, 170, 40), new Color(40, 60, 220),
        new Color(230, 210, 20), new Color(140, 40, 170), new Color(245, 130, 20)};
    static final String[] COUNTS = {"one", "two", "three", "four"};
    private static final int SIDE = 128;
    private static final String TAG = "<|image_1|>\n";

    private record Shape(int kind, int colour, int x, int y, int size) {}

    private final SplittableRandom random;
    private final Path root;

    private SyntheticMmeb(Path root, long seed) {
        this.root = root;
        this.random = new SplittableRandom(seed);
    }

    /** Writes MMEB-mini with {@code size} eval queries and {@code 2 * size} train pairs per dataset. */
    public static void write(Path out, long seed, int size) {
        if (size < 8) {
            throw new IllegalArgumentException("--size must be at least 8 (queries per dataset), got " + size);
        }
        SyntheticMmeb generator = new SyntheticMmeb(out, seed);
        for (String split : new String[] {"eval", "train"}) {
            int rows = split.equals("eval") ? size : 2 * size;
            generator.shapeClassification(split, rows);
            generator.colourQuestions(split, rows);
            generator.countQuestions(split, rows);
            generator.captions(split, rows, true);
            generator.captions(split, rows, false);
            generator.grounding(split, rows);
        }
    }

    // ---- datasets --------------------------------------------------------------------------

    private void shapeClassification(String split, int rows) {
        String name = "MINI-ShapeClass";
        List<EvalRow> eval = new ArrayList<>();
        List<TrainRow> train = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            Shape shape = randomShape();
            String image = save(split, name, i, scene(List.of(shape)));
            String query = TAG + "Represent the given image for classification\n";
            eval.add(new EvalRow(query, image, positiveFirst(SHAPES, shape.kind()), nulls(SHAPES.length)));
            train.add(new TrainRow(query, image, SHAPES[shape.kind()], null, SHAPES[(shape.kind() + 1) % SHAPES.length], null));
        }
        finish(split, name, eval, train);
    }

    private void colourQuestions(String split, int rows) {
        String name = "MINI-ColorVQA";
        List<EvalRow> eval = new ArrayList<>();
        List<TrainRow> train = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            Shape shape = randomShape();
            String image = save(split, name, i, scene(List.of(shape)));
            String query = TAG + "Represent the given image with the following question: what is the color of the "
                    + SHAPES[shape.kind()] + "?\n";
            eval.add(new EvalRow(query, image, positiveFirst(COLOURS, shape.colour()), nulls(COLOURS.length)));
            train.add(new TrainRow(query, image, COLOURS[shape.colour()], null,
                    COLOURS[(shape.colour() + 1) % COLOURS.length], null));
        }
        finish(split, name, eval, train);
    }

    private void countQuestions(String split, int rows) {
        String name = "MINI-CountVQA";
        List<EvalRow> eval = new ArrayList<>();
        List<TrainRow> train = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            int count = 1 + random.nextInt(COUNTS.length);
            int colour = random.nextInt(COLOURS.length), kind = random.nextInt(SHAPES.length);
            List<Shape> shapes = new ArrayList<>();
            for (int k = 0; k < count; k++) {
                shapes.add(new Shape(kind, colour, 8 + (k % 2) * 60 + random.nextInt(10), 8 + (k / 2) * 60 + random.nextInt(10),
                        36 + random.nextInt(10)));
            }
            String image = save(split, name, i, scene(shapes));
            String query = TAG + "Represent the given image with the following question: how many " + SHAPES[kind]
                    + "s are there?\n";
            eval.add(new EvalRow(query, image, positiveFirst(COUNTS, count - 1), nulls(COUNTS.length)));
            train.add(new TrainRow(query, image, COUNTS[count - 1], null, COUNTS[count % COUNTS.length], null));
        }
        finish(split, name, eval, train);
    }

    private void captions(String split, int rows, boolean textToImage) {
        String name = textToImage ? "MINI-Caption_t2i" : "MINI-Caption_i2t";
        List<Shape> shapes = new ArrayList<>();
        List<String> images = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            shapes.add(randomShape());
            images.add(save(split, name, i, scene(List.of(shapes.get(i)))));
        }
        List<EvalRow> eval = new ArrayList<>();
        List<TrainRow> train = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            List<Integer> others = otherIndices(rows, i, 7);
            String caption = caption(shapes.get(i));
            if (textToImage) {
                String target = TAG + "Represent the given image.\n";
                List<String> texts = new ArrayList<>(Collections.nCopies(8, target));
                List<@Nullable String> paths = new ArrayList<>();
                paths.add(images.get(i));
                others.forEach(o -> paths.add(images.get(o)));
                String query = "Find me an everyday image that matches the given caption: " + caption + "\n";
                eval.add(new EvalRow(query, null, texts, paths));
                train.add(new TrainRow(query, null, target, images.get(i), target, images.get(others.get(0))));
            } else {
                List<String> texts = new ArrayList<>();
                texts.add(caption);
                others.forEach(o -> texts.add(caption(shapes.get(o))));
                String query = TAG + "Find an image caption describing the given everyday image.\n";
                eval.add(new EvalRow(query, images.get(i), texts, nulls(texts.size())));
                train.add(new TrainRow(query, images.get(i), caption, null, texts.get(1), null));
            }
        }
        finish(split, name, eval, train);
    }

    private void grounding(String split, int rows) {
        String name = "MINI-Grounding";
        List<EvalRow> eval = new ArrayList<>();
        List<TrainRow> train = new ArrayList<>();
        String target = TAG + "Represent the given cropped image of the object\n";
        for (int i = 0; i < rows; i++) {
            // Three objects of different shapes and colours in the corners and the centre.
            int[] kinds = shuffled(SHAPES.length), colours = shuffled(COLOURS.length);
            int[][] spots = {{6, 6}, {70, 6}, {38, 70}};
            List<Shape> shapes = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                shapes.add(new Shape(kinds[k], colours[k], spots[k][0] + random.nextInt(8), spots[k][1] + random.nextInt(8), 44));
            }
            BufferedImage picture = scene(shapes);
            String image = save(split, name, i, picture);
            int labelled = random.nextInt(3);
            List<String> paths = new ArrayList<>();
            paths.add(save(split, name, i + "_crop" + labelled, crop(picture, shapes.get(labelled))));
            for (int k = 0; k < 3; k++) {
                if (k != labelled) {
                    paths.add(save(split, name, i + "_crop" + k, crop(picture, shapes.get(k))));
                }
            }
            Shape label = shapes.get(labelled);
            String query = TAG + "Select the portion of the image that isolates the object labeled as \""
                    + COLOURS[label.colour()] + " " + SHAPES[label.kind()] + "\"\n";
            eval.add(new EvalRow(query, image, new ArrayList<>(Collections.nCopies(paths.size(), target)),
                    new ArrayList<@Nullable String>(paths)));
            train.add(new TrainRow(query, image, target, paths.get(0), target, paths.get(1)));
        }
        finish(split, name, eval, train);
    }

    // ---- helpers ---------------------------------------------------------------------------

    private Shape randomShape() {
        int size = 40 + random.nextInt(30);
        return new Shape(random.nextInt(SHAPES.length), random.nextInt(COLOURS.length), 4 + random.nextInt(SIDE - size - 8),
                4 + random.nextInt(SIDE - size - 8), size);
    }

    private static String caption(Shape shape) {
        String where = shape.x() + shape.size() / 2 < SIDE / 2 ? "left" : "right";
        return "a " + COLOURS[shape.colour()] + " " + SHAPES[shape.kind()] + " on the " + where;
    }

    private List<Integer> otherIndices(int rows, int self, int count) {
        List<Integer> others = new ArrayList<>();
        while (others.size() < count) {
            int candidate = random.nextInt(rows);
            if (candidate != self && !others.contains(candidate)) {
                others.add(candidate);
            }
        }
        return others;
    }

    private int[] shuffled(int n) {
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
            values[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
        return values;
    }

    private static List<String> positiveFirst(String[] labels, int positive) {
        List<String> list = new ArrayList<>();
        list.add(labels[positive]);
        for (int i = 0; i < labels.length; i++) {
            if (i != positive) {
                list.add(labels[i]);
            }
        }
        return list;
    }

    private static List<@Nullable String> nulls(int n) {
        return new ArrayList<>(Arrays.asList(new String[n]));
    }

    private BufferedImage scene(List<Shape> shapes) {
        BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        int shade = 225 + random.nextInt(25);
        g.setColor(new Color(shade, shade, shade - 10));
        g.fillRect(0, 0, SIDE, SIDE);
        for (Shape s : shapes) {
            g.setColor(PAINTS[s.colour()]);
            int x = s.x(), y = s.y(), d = s.size();
            switch (s.kind()) {
                case 0 -> g.fillOval(x, y, d, d);
                case 1 -> g.fillRect(x, y, d, d);
                case 2 -> g.fillPolygon(new Polygon(new int[] {x + d / 2, x, x + d}, new int[] {y, y + d, y + d}, 3));
                default -> {
                    g.setStroke(new BasicStroke(d / 5f));
                    g.drawLine(x, y, x + d, y + d);
                    g.drawLine(x + d, y, x, y + d);
                }
            }
        }
        g.dispose();
        return image;
    }

    private static BufferedImage crop(BufferedImage image, Shape shape) {
        int x = Math.max(0, shape.x() - 4), y = Math.max(0, shape.y() - 4);
        int w = Math.min(SIDE - x, shape.size() + 8), h = Math.min(SIDE - y, shape.size() + 8);
        BufferedImage copy = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        copy.getGraphics().drawImage(image.getSubimage(x, y, w, h), 0, 0, null);
        return copy;
    }

    private String save(String split, String dataset, Object id, BufferedImage image) {
        String relative = "images/" + dataset + "/" + id + ".png";
        Path file = root.resolve(split).resolve(relative);
        try {
            Files.createDirectories(file.getParent());
            ImageIO.write(image, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return relative;
    }

    private void finish(String split, String dataset, List<EvalRow> eval, List<TrainRow> train) {
        Path directory = root.resolve(split).resolve(dataset);
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
        if (split.equals("eval")) {
            MmebParquet.writeEval(directory.resolve("test-00000-of-00001.parquet"), eval);
        } else {
            MmebParquet.writeTrain(directory.resolve("original-00000-of-00001.parquet"), train);
        }
    }
}
