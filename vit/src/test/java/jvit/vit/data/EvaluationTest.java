package jvit.vit.data;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class EvaluationTest {
    @Test
    void theConfusionMatrixCountsByTrueClass() {
        ConfusionMatrix m = new ConfusionMatrix(3);
        m.add(0, 0);
        m.add(0, 0);
        m.add(0, 1);
        m.add(1, 1);
        m.add(1, 2);
        assertEquals(5, m.count());
        assertEquals(3, m.correct());
        assertEquals(0.6, m.accuracy(), 1e-15);
        assertEquals(2, m.get(0, 0));
        assertEquals(3, m.ofClass(0));
        assertEquals(2.0 / 3, m.accuracy(0), 1e-15);
        assertEquals(0.5, m.accuracy(1), 1e-15);
        assertTrue(Double.isNaN(m.accuracy(2)), "a class without images has no accuracy");
        assertTrue(Double.isNaN(new ConfusionMatrix(2).accuracy()));
    }

    @Test
    void thePredictionIsTheFirstLargestLogitAndNaNNeverWins() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment logits = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_FLOAT,
                    1, 3, 3, 0,
                    Float.NaN, -2, -1, -3,
                    Float.NaN, Float.NaN, Float.NaN, Float.NaN);
            assertEquals(1, Evaluation.argmax(logits, 0, 4));
            assertEquals(2, Evaluation.argmax(logits, 1, 4));
            assertEquals(0, Evaluation.argmax(logits, 2, 4));
        }
    }
}
