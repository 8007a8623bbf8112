package jvit.vit.benchmark;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import jvit.kernels.Op;
import jvit.runtime.Devices;
import org.junit.jupiter.api.Test;

/** The kernel catalogue covers every operator once per shape, and its workloads rotate buffers that pass the cache. */
class KernelCasesTest {
    @Test
    void everyOperatorOfTheCatalogueHasACaseAndNamesAreUnique() {
        List<KernelCase> all = KernelCases.all();
        Set<Class<?>> ops = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (KernelCase c : all) {
            ops.add(c.op().getClass());
            assertTrue(names.add(c.name()), "twice: " + c.name());
        }
        assertEquals(Set.of(Op.class.getPermittedSubclasses()), ops);
        assertTrue(KernelCases.all().containsAll(KernelCases.quick()));
    }

    @Test
    void shapesReadAsTheyAreWritten() {
        assertEquals("1576×3072×768 A·Bᵀ +bias GELU", KernelCases.named("matmul_fc1").shape());
        assertEquals("96×197×197×64 A·Bᵀ", KernelCases.named("matmul_scores").shape());
        assertEquals("8×197 tokens, 12×64", KernelCases.named("attention").shape());
        assertEquals("1576×768", KernelCases.named("layernorm").shape());
        assertEquals("4,841,472 elements", KernelCases.named("gelu").shape());
    }

    @Test
    void smallKernelsRotateAmongSeveralCopiesLargeOnesNeedNone() {
        assertEquals(KernelWorkload.MAX_COPIES, KernelWorkload.copies(new Op.Fill(1, 0)));
        assertEquals(2, KernelWorkload.copies(KernelCases.named("matmul_square_2048").op()), "48 MiB a copy");
        assertEquals(1, KernelWorkload.copies(new Op.Add(1 << 24)), "192 MiB");
        assertEquals(7, KernelWorkload.copies(KernelCases.named("layernorm").op()), "9.7 MB a copy");
    }

    @Test
    void aWorkloadTakesItsCopiesInTurn() {
        try (KernelWorkload w = KernelWorkload.open(new Op.Add(1000), Devices.get("java"))) {
            assertEquals(KernelWorkload.MAX_COPIES, w.copies());
            for (int i = 0; i < 2 * w.copies(); i++) assertTrue(w.run() > 0);
            assertEquals(KernelWorkload.MAX_COPIES * 3 * 4000L, w.footprintBytes());
        }
    }
}
