package jvit.kernels.cpu;

import static org.junit.jupiter.api.Assertions.*;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The reductions that keep training reproducible: they must agree bit for bit however they are run. */
class F32Test {
    /** kernels/pom.xml's second run asks for narrower vectors; if the JVM ignored that, that run would test nothing new. */
    @Test
    void runsWithTheVectorsAsked() {
        String most = System.getProperty("jvit.test.mostLanes");
        if (most != null) assertTrue(F32.L <= Integer.parseInt(most), F32.L + " lanes, asked for at most " + most);
    }

    @Test
    void expIsAccurateAndTheSameInVectorsAndScalars() {
        float[] x = new float[F32.L * 4096];
        for (int i = 0; i < x.length; i++) x[i] = -90f + 180f * i / x.length;
        float[] lanes = new float[F32.L];
        for (int i = 0; i < x.length; i += F32.L) {
            F32.expLanes(FloatVector.fromArray(F32.S, x, i)).intoArray(lanes, 0);
            for (int j = 0; j < F32.L; j++) {
                float v = x[i + j], scalar = F32.exp(v);
                assertEquals(Float.floatToIntBits(scalar), Float.floatToIntBits(lanes[j]), "exp(" + v + ") vector vs scalar");
                double exact = Math.exp(v);
                if (v > -87 && v < 88) assertEquals(exact, scalar, 3 * Math.ulp((float) exact), "exp(" + v + ")");
            }
        }
        assertEquals(1f, F32.exp(0f));
        assertTrue(F32.exp(-1000f) >= 0 && F32.exp(-1000f) < 1e-37f);
        assertTrue(Float.isFinite(F32.exp(1000f)));
    }

    @Test
    void laneSumsFollowTheirTree() {
        float[] x = new float[F32.L];
        x[0] = 1e8f;
        for (int i = 1; i < F32.L; i++) x[i] = 1f; // the 1s are lost against 1e8 one by one, not once they are summed in pairs
        float[] tree = x.clone();
        for (int half = F32.L / 2; half > 0; half /= 2)
            for (int i = 0; i < half; i++) tree[i] += tree[i + half];
        assertEquals(Float.floatToIntBits(tree[0]), Float.floatToIntBits(F32.sumLanes(FloatVector.fromArray(F32.S, x, 0))));
        if (F32.L >= 16) assertEquals(1.00000008e8f, tree[0]);
    }
}
