package jvit.runtime.tornado;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * A task that reads one element of an array no other task uses: TornadoVM runs no task graph
 * without tasks and fails on an array that is only copied in and out, but jvit graphs may do just
 * that (a host round trip, as {@code vit devices --profile} measures it).
 */
final class TornadoTouch {
    private TornadoTouch() {}

    static void touch(FloatArray x, FloatArray sink) {
        for (@Parallel int i = 0; i < 1; i++) sink.set(0, x.get(0));
    }
}
