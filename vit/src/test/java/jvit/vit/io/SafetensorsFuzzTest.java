package jvit.vit.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;

/** Safetensors files (header, offsets, dtypes) under the fuzzer: a result or a UserError (see {@link FuzzFiles}). */
class SafetensorsFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void safetensors(byte[] bytes) throws IOException {
        FuzzFiles.asFile("model.safetensors", bytes, file -> {
            try (Safetensors s = Safetensors.open(file)) {
                for (String name : s.names()) s.tensor(name);
            }
        });
    }
}
