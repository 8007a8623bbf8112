package jvit.kernels;

import java.util.function.Function;

/**
 * Gradients by central differences of a float64 function, to check backward kernels against:
 * for {@code L(θ) = Σ_i w_i·f(θ)_i}, {@code ∂L/∂θ_j ≈ (L(θ + h·e_j) - L(θ - h·e_j)) / 2h}. With
 * float64 and h = 1e-5 the error is ~1e-9, far below what a float32 kernel is checked to.
 */
public final class FiniteDifferences {
    private static final double H = 1e-5;

    private FiniteDifferences() {}

    /** The gradient of {@code Σ w·f(θ)} with respect to every element of {@code θ} (which is restored). */
    public static double[] gradient(Function<double[], double[]> f, double[] theta, double[] w) {
        double[] g = new double[theta.length];
        for (int j = 0; j < theta.length; j++) {
            double saved = theta[j];
            theta[j] = saved + H;
            double up = dot(w, f.apply(theta));
            theta[j] = saved - H;
            double down = dot(w, f.apply(theta));
            theta[j] = saved;
            g[j] = (up - down) / (2 * H);
        }
        return g;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
