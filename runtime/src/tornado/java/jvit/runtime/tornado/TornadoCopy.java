package jvit.runtime.tornado;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * The copy that completes a task writing in place: TornadoVM 5.2's graph compiler never finishes
 * scheduling a task that gets the same array as an output and as an input (out = a + b with
 * out == a), so such a task writes a stand-in array and this task copies it over the output.
 */
final class TornadoCopy {
    private TornadoCopy() {}

    static void copy(FloatArray dst, FloatArray src, int n) {
        for (@Parallel int i = 0; i < n; i++) dst.set(i, src.get(i));
    }
}
