package jvit.runtime;

import java.nio.file.Path;

/**
 * A problem the user can fix: bad input, a missing file or device. Its message is one line that
 * names what is wrong and says what to do; the CLI prints it and exits with status 1, no stack trace.
 */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }

    /** A problem with a file: the message starts with the file's name. */
    public static UserError inFile(Path file, String problem) {
        return new UserError(file + ": " + problem);
    }
}
