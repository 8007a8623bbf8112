package jvit.runtime.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Words for an I/O failure that fit in a one-line user error, without the exception's class name. */
public final class IoErrors {
    private IoErrors() {}

    public static String describe(IOException e) {
        String what = switch (e) {
            case NoSuchFileException n -> "no such file or folder";
            case AccessDeniedException a -> "permission denied";
            case NotDirectoryException n -> "not a folder";
            case DirectoryNotEmptyException d -> "a folder that is not empty is in the way";
            case FileSystemException f when f.getReason() != null -> f.getReason();
            default -> e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        };
        return what.replace('\n', ' ');
    }
}
