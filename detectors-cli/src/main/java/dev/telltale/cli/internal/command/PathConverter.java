package dev.telltale.cli.internal.command;

import picocli.CommandLine;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** A file name as a flag gives it; a name the file system cannot take is a one-line error naming it. */
public final class PathConverter implements CommandLine.ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new CommandLine.TypeConversionException("'" + value.replace("\0", "\\0") + "' is not a file name: " + e.getReason());
        }
    }
}
