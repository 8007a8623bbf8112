package jvit.vit.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import jvit.vit.ModelConfigs;

/** Config.json, Hugging Face's and timm's under the fuzzer: a result or a UserError (see {@link FuzzFiles}). */
class ConfigJsonFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void configJson(byte[] bytes) throws IOException {
        FuzzFiles.asFile("config.json", bytes, ModelConfigs::read);
    }
}
