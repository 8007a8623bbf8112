package jvit.runtime.cuda;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Status codes by name: the table, the toolkit's cuda.h and the driver agree. */
class CudaResultTest {
    @Test
    void errorsNameTheCallAndTheStatus() {
        CudaException e = CudaException.driver("cuMemAlloc_v2", 2);
        assertEquals("cuMemAlloc_v2: CUDA_ERROR_OUT_OF_MEMORY (2)", e.getMessage());
        assertEquals("cuMemAlloc_v2", e.call());
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", e.status());
        assertTrue(e.deviceExhausted());
        assertTrue(CudaException.driver("cuLaunchKernel", 701).deviceExhausted());
        assertFalse(CudaException.driver("cuLaunchKernel", 700).deviceExhausted(), "an illegal address is a bug, not the machine");
        assertEquals("CUDA_ERROR_NO_DEVICE", CudaResult.name(100));
        assertEquals("CUDA_ERROR_UNKNOWN_CODE", CudaResult.name(123_456));
        assertEquals("CUBLAS_STATUS_ALLOC_FAILED", Cublas.statusName(3));
    }

    /** Every code the installed toolkit's cuda.h names, named alike (skipped without a toolkit). */
    @Test
    void theTableIsTheToolkitsEnum() throws IOException {
        Path header = Path.of(System.getenv().getOrDefault("CUDA_HOME", "/usr/local/cuda"), "include", "cuda.h");
        Assumptions.assumeTrue(Files.isRegularFile(header), "no CUDA toolkit at " + header);
        String text = Files.readString(header);
        String enumBody = text.substring(text.indexOf("typedef enum cudaError_enum"), text.indexOf("} CUresult;"));
        Map<Integer, String> declared = new TreeMap<>();
        Matcher m = Pattern.compile("(CUDA_[A-Z0-9_]+)\\s*=\\s*(\\d+)").matcher(enumBody);
        while (m.find()) declared.put(Integer.parseInt(m.group(2)), m.group(1));
        assertTrue(declared.size() > 90, "parsed " + declared.size() + " codes");
        declared.forEach((code, name) -> assertEquals(name, CudaResult.names().get(code), "code " + code));
    }

    /** Where a driver library loads (even on a machine without a GPU), it names the codes as the table does. */
    @Test
    void theDriverAgrees() {
        Assumptions.assumeTrue(DriverLibrary.problem().isEmpty(), () -> DriverLibrary.problem().orElseThrow());
        CudaResult.names().forEach((code, name) -> Cuda.errorName(code).ifPresent(driver -> assertEquals(name, driver, "code " + code)));
        assertEquals("CUDA_ERROR_NO_DEVICE", Cuda.errorName(100).orElseThrow());
    }
}
