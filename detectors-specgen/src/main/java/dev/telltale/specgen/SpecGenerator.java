package dev.telltale.specgen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes one Java interface per detector spec file: {@code <dir>/dev/x/FooDetector.yaml} becomes
 * {@code <out>/dev/x/FooDetectorSpec.java}, holding the detector's id, typed setting and signal constants and its
 * {@code DetectorSpec}. The detector class implements that interface, so its code and its tests name the
 * constants as before while the description lives in one data file per detector. An integrity kind's table,
 * {@code <dir>/dev/x/Duplicates.kind.yaml}, becomes {@code DuplicatesKind.java} holding its {@code KindSpec}.
 *
 * <p>Usage: {@code SpecGenerator <spec dir> <output dir>}; a malformed file fails the build naming the file
 * and the key.
 */
public final class SpecGenerator {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** An integrity kind's table rather than a detector's spec: {@code Duplicates.kind.yaml}. */
    private static final String KIND_SUFFIX = ".kind.yaml";

    private SpecGenerator() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: SpecGenerator <spec dir> <output dir>");
        }
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        if (!Files.isDirectory(in)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(in)) {
            files = walk.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
        for (Path file : files) {
            Path relative = in.relativize(file);
            String fileName = relative.getFileName().toString();
            String pkg = relative.getParent() == null ? "" : relative.getParent().toString().replace('/', '.');
            boolean kind = fileName.endsWith(KIND_SUFFIX);
            String className = kind ? fileName.substring(0, fileName.length() - KIND_SUFFIX.length()) + "Kind"
                    : fileName.replaceFirst("\\.yaml$", "") + "Spec";
            String source = kind ? generateKind(pkg, className, read(file), relative.toString())
                    : generate(pkg, className.replaceFirst("Spec$", ""), read(file), relative.toString());
            Path target = out.resolve(relative).resolveSibling(className + ".java");
            Files.createDirectories(target.getParent());
            if (!Files.exists(target) || !Files.readString(target).equals(source)) {
                Files.writeString(target, source, StandardCharsets.UTF_8);
            }
        }
    }

    /** The interface {@code <detectorClass>Spec} in {@code pkg}, from one parsed spec file. */
    public static String generate(String pkg, String detectorClass, Map<String, Object> spec, String origin) {
        try {
            return new SpecSource(pkg, detectorClass, new SpecMap(spec, origin)).render();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": " + e.getMessage(), e);
        }
    }

    /** The interface {@code <kindClass>} in {@code pkg}, from one parsed integrity kind file. */
    public static String generateKind(String pkg, String kindClass, Map<String, Object> kind, String origin) {
        try {
            return new KindSource(pkg, kindClass, new SpecMap(kind, origin)).render();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(Path file) {
        try {
            return YAML.readValue(file.toFile(), Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read spec file " + file + ": " + e.getMessage(), e);
        }
    }
}
