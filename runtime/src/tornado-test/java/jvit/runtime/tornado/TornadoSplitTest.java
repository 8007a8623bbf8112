package jvit.runtime.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jvit.kernels.Op;
import jvit.kernels.tornado.TornadoLaunch;
import jvit.kernels.tornado.TornadoTask;
import jvit.runtime.Task;
import jvit.runtime.Tensor;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.common.TaskPackage;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/** Where a graph is cut, and which tensors each part takes over and holds (no TornadoVM device needed). */
class TornadoSplitTest {
    private final Tensor a = Tensor.onDevice("a", 3), b = Tensor.onDevice("b", 3), c = Tensor.onDevice("c", 3), d = Tensor.onDevice("d", 3);
    /** a = 1; b = a + a; c = 1; d = a + b. */
    private final List<Task> tasks = List.of(new Task("fillA", new Op.Fill(3, 1f), List.of(a)), new Task("double", new Op.Add(3), List.of(b, a, a)),
            new Task("fillC", new Op.Fill(3, 1f), List.of(c)), new Task("sum", new Op.Add(3), List.of(d, a, b)));
    /** Each jvit task as one TornadoVM task of two arguments: 25 bytes of task code. */
    private final Map<Task, TornadoLaunch> launches = new IdentityHashMap<>();

    TornadoSplitTest() {
        for (Task t : tasks) {
            TaskPackage p = TaskPackage.createPackage(t.name(), TornadoTouch::touch, new FloatArray(1), new FloatArray(1));
            launches.put(t, new TornadoLaunch(List.of(new TornadoTask(t.name(), p, null)), List.of()));
        }
    }

    @Test
    void aTensorIsHeldByItsFirstPartAndPassedThroughToItsLast() {
        TornadoSplit.Split split = TornadoSplit.split(tasks, launches, new TornadoSplit.Budget(0, 0, 0));
        assertEquals(4, split.parts().size(), "one task a part when none fits with another");
        assertEquals(List.of(Set.of(), Set.of(a), Set.of(a, b), Set.of(a, b)), split.parts().stream().map(TornadoSplit.Part::consumed).toList());
        assertEquals(List.of(Set.of(a), Set.of(b), Set.of(), Set.of()), split.parts().stream().map(TornadoSplit.Part::persisted).toList());
        assertEquals(List.of(0, 1, 2, 3), List.of(split.owner(a), split.owner(b), split.owner(c), split.owner(d)));
        assertEquals(List.of(true, true, false, false), List.of(split.persisted(a), split.persisted(b), split.persisted(c), split.persisted(d)));
    }

    @Test
    void partsFillUpToTheBudget() {
        assertEquals(1, TornadoSplit.split(tasks, launches, TornadoSplit.Budget.TORNADOVM).parts().size());
        // Two tasks' code (50 bytes) a part: a, passed on to the second part; b written there.
        TornadoSplit.Split split = TornadoSplit.split(tasks, launches, new TornadoSplit.Budget(50, 1000, 100));
        assertEquals(List.of(0, 2), split.parts().stream().map(TornadoSplit.Part::first).toList());
        assertEquals(List.of(Set.of(), Set.of(a, b)), split.parts().stream().map(TornadoSplit.Part::consumed).toList());
        assertEquals(2, TornadoSplit.split(tasks, launches, new TornadoSplit.Budget(1000, 1000, 3)).parts().size(), "three tasks a part");
    }
}
