package jvit.vit.report;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The statistics a report quotes: percentiles as NumPy computes them, the spread of the rounds, the unstable flag. */
class MeasurementTest {
    @Test
    void percentilesInterpolateBetweenTheNearestRunsAsNumPyDoes() {
        Latencies l = Latencies.of(40, 10, 30, 20); // np.percentile([10, 20, 30, 40], [50, 99]) = 25, 39.7
        assertEquals(25, l.p50(), 1e-9);
        assertEquals(39.7, l.p99(), 1e-9);
        assertEquals(10, l.min());
        assertEquals(40, l.max());
        assertEquals(30, Latencies.of(50, 10, 30).p50(), 1e-9);
        assertEquals(7, Latencies.of(7).p99(), 1e-9);
    }

    @Test
    void noRunsIsAnError() {
        assertThrows(IllegalArgumentException.class, Latencies::of);
    }

    @Test
    void theFigureIsTheMedianRunAndTheSpreadThatOfTheRoundsMedians() {
        // rounds' medians 100, 104, 110: spread (110 - 100) / 104 ≈ 9.6%, stable; a single 1000 ns outlier moves neither
        Measurement m = new Measurement(List.of(new long[] {100, 99, 101}, new long[] {104, 1000, 103}, new long[] {110, 110, 109}));
        assertEquals(104e-9, m.seconds(), 1e-15);
        assertEquals(10.0 / 104, m.spread(), 1e-9);
        assertFalse(m.unstable());
        assertEquals(99e-9, m.bestSeconds(), 1e-15);
        assertEquals(1000, m.all().max());
    }

    @Test
    void roundsMoreThanTenPercentApartAreUnstable() {
        Measurement m = new Measurement(List.of(new long[] {100, 100}, new long[] {120, 120}));
        assertEquals(20.0 / 110, m.spread(), 1e-9);
        assertTrue(m.unstable());
    }

    @Test
    void withOneRoundTheSpreadIsThatOfItsRuns() {
        assertEquals(0.5, new Measurement(List.of(new long[] {80, 100, 130})).spread(), 1e-9);
    }
}
