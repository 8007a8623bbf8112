package jvit.runtime.schedule;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class SharesTest {
    @Test
    void sharesFollowSpeedAtLeastOneEach() {
        assertArrayEquals(new int[] {2, 4}, Shares.inProportion(6, new double[] {1, 2}));
        assertArrayEquals(new int[] {1, 1}, Shares.inProportion(2, new double[] {1, 100}));
        assertArrayEquals(new int[] {4, 4, 4}, Shares.inProportion(12, new double[] {5, 5, 5}));
        assertArrayEquals(new int[] {2, 3}, Shares.inProportion(5, new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> Shares.inProportion(2, new double[] {1, 1, 1}));
    }
}
