package jvit.vit.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import jvit.vit.io.FuzzFiles;

/** IDX files (gzip'd or not) under the fuzzer: a result or a UserError (see {@link FuzzFiles}). */
class IdxFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void images(byte[] bytes) throws IOException {
        FuzzFiles.asFile("images-idx3-ubyte.gz", bytes, file -> Idx.read(file, 3, "fuzzed"));
    }
}
