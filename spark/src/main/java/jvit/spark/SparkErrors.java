package jvit.spark;

import org.apache.spark.SparkThrowable;

/** Spark's error conditions, found in an exception or its causes. */
final class SparkErrors {
    private SparkErrors() {}

    /** The condition ({@code PATH_NOT_FOUND}, ...) of the first Spark error in {@code e}'s causes; "" if none has one. */
    static String condition(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause())
            if (t instanceof SparkThrowable s && s.getCondition() != null) return s.getCondition();
        return "";
    }
}
