package jvit.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jvit.runtime.UserError;
import jvit.vit.model.ViTModel;
import org.apache.hadoop.fs.FileSystem;

/**
 * Where a model lies: a local directory (a path without a scheme, present on every executor: a
 * shared disk, or {@code local[N]}), or any Hadoop URI ({@code hdfs://}, {@code s3a://}, {@code
 * file:}, ...), copied once per JVM to a local temporary directory, since the weights are memory-mapped.
 */
final class ModelLocation {
    private ModelLocation() {}

    /** A local directory holding the model at {@code location}. */
    static Path localDirectory(String location, HadoopConf conf) {
        Path local = localPath(location);
        if (local != null && Files.isDirectory(local)) return local;
        try {
            var source = new org.apache.hadoop.fs.Path(location);
            FileSystem fs = source.getFileSystem(conf.get());
            check(location, fs, source);
            Path dir = Files.createTempDirectory("jvit-model-");
            for (String name : new String[] {ViTModel.CONFIG, ViTModel.WEIGHTS}) {
                Path file = dir.resolve(name);
                fs.copyToLocalFile(false, new org.apache.hadoop.fs.Path(source, name), new org.apache.hadoop.fs.Path(file.toUri()), true);
                file.toFile().deleteOnExit();
            }
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UserError(location + ": cannot read the model (" + e.getMessage() + "); check the path and its permissions", e);
        }
    }

    /** Refuses, in one line, a location that holds no model: on the driver, before any task starts. */
    static void check(String location, HadoopConf conf) {
        Path local = localPath(location);
        if (local != null && Files.isDirectory(local)) {
            ViTModel.openDirectory(local).close();
            return;
        }
        try {
            var source = new org.apache.hadoop.fs.Path(location);
            check(location, source.getFileSystem(conf.get()), source);
        } catch (IOException e) {
            throw new UserError(location + ": cannot read the model (" + e.getMessage() + "); check the path and its permissions", e);
        } catch (IllegalArgumentException e) {
            throw new UserError(location + ": not a path (" + e.getMessage() + "); give a model directory or a Hadoop path to one", e);
        }
    }

    private static void check(String location, FileSystem fs, org.apache.hadoop.fs.Path dir) throws IOException {
        for (String name : new String[] {ViTModel.CONFIG, ViTModel.WEIGHTS})
            if (!fs.isFile(new org.apache.hadoop.fs.Path(dir, name)))
                throw new UserError(location + ": has no " + name + "; a model directory holds " + ViTModel.CONFIG + " and " + ViTModel.WEIGHTS);
    }

    /** The local path {@code location} names when it has no scheme; null for a URI ({@code file:} ones included: those are copied too). */
    private static Path localPath(String location) {
        return location.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*") ? null : Path.of(location);
    }
}
