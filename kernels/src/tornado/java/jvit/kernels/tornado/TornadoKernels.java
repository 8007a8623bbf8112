package jvit.kernels.tornado;

import java.util.ArrayList;
import java.util.List;
import jvit.kernels.Op;
import jvit.kernels.device.KernelArg;
import jvit.kernels.device.KernelArg.Tensor;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * The one place where each operator becomes TornadoVM tasks: task method, argument order and grid
 * per {@link Op} record. An operator without a TornadoVM kernel is refused by name.
 */
public final class TornadoKernels {
    private TornadoKernels() {}

    /** The tasks that apply {@code op}, in order; throws {@link UnsupportedOperationException} naming an operator that has none. */
    public static List<TornadoLaunch> launches(Op op) {
        return switch (op) {
            case Op.Fill f -> List.of(new TornadoLaunch("fill", List.of(new Tensor(0), new KernelArg.Int(elements(f.n())),
                    new KernelArg.Float(f.value())), (g, id, a) -> g.task(id, TornadoElementwise::fill,
                    (FloatArray) a[0], (int) a[1], (float) a[2]), null));
            case Op.Add add -> List.of(new TornadoLaunch("add", List.of(new Tensor(0), new Tensor(1), new Tensor(2),
                    new KernelArg.Int(elements(add.n()))), (g, id, a) -> g.task(id, TornadoElementwise::add,
                    (FloatArray) a[0], (FloatArray) a[1], (FloatArray) a[2], (int) a[3]), null));
            case Op.Matmul mm when mm.activation() == Op.Activation.NONE -> List.of(matmul(mm));
            default -> throw new UnsupportedOperationException(describe(op) + " has no TornadoVM kernel");
        };
    }

    private static TornadoLaunch matmul(Op.Matmul mm) {
        int aRow = mm.transposedA() ? 1 : mm.k(), aCol = mm.transposedA() ? mm.m() : 1;
        int bRow = mm.transposedB() ? 1 : mm.n(), bCol = mm.transposedB() ? mm.k() : 1;
        List<KernelArg> args = new ArrayList<>(List.of(new Tensor(0), new Tensor(1), new Tensor(2)));
        if (mm.bias()) args.add(new Tensor(3));
        for (int v : new int[] {mm.batch(), mm.m(), mm.n(), mm.k(), aRow, aCol, bRow, bCol}) args.add(new KernelArg.Int(v));
        if (!mm.bias())
            return new TornadoLaunch("matmul", args, (g, id, a) -> g.task(id, TornadoMatmul::matmul, (FloatArray) a[0],
                    (FloatArray) a[1], (FloatArray) a[2], (int) a[3], (int) a[4], (int) a[5], (int) a[6], (int) a[7],
                    (int) a[8], (int) a[9], (int) a[10]), null);
        return new TornadoLaunch("matmul_bias", args, (g, id, a) -> g.task(id, TornadoMatmul::matmulBias, (FloatArray) a[0],
                (FloatArray) a[1], (FloatArray) a[2], (FloatArray) a[3], (int) a[4], (int) a[5], (int) a[6], (int) a[7],
                (int) a[8], (int) a[9], (int) a[10], (int) a[11]), null);
    }

    private static String describe(Op op) {
        return op instanceof Op.Matmul mm ? "matmul with the " + mm.activation() + " epilogue" : "operator " + op.name();
    }

    private static int elements(long n) {
        if (n > Integer.MAX_VALUE) throw new UnsupportedOperationException("TornadoVM arrays hold at most 2^31-1 floats, not " + n);
        return (int) n;
    }
}
