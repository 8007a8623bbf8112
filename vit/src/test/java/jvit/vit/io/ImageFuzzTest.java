package jvit.vit.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import jvit.vit.image.Images;

/** Images (PNG, JPEG, GIF, BMP) under the fuzzer: a result or a UserError (see {@link FuzzFiles}). */
class ImageFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void image(byte[] bytes) throws IOException {
        FuzzFiles.asFile("image.png", bytes, file -> Images.decode(file, 3));
    }
}
