package jvit.vit.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import jvit.vit.report.ForwardPeer;
import jvit.vit.report.NumpyPeer;
import jvit.vit.report.TorchPeer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** {@code --peers numpy,pytorch,onnxruntime|none}: the peers found, and a note for each that is not. */
final class PeerChoice {
    static final List<String> ALL = List.of(NumpyPeer.ID, TorchPeer.PYTORCH, TorchPeer.ONNXRUNTIME);

    private PeerChoice() {}

    /** @param numpy NumPy for GEMM, or null; @param forward every peer of forward passes found, in the order asked */
    record Found(NumpyPeer numpy, List<ForwardPeer> forward) {}

    /** The peers {@code names} asks for (null or "none": none); one that is absent is noted ({@code notes}) and left out. */
    static Found find(CommandSpec spec, List<String> names, Path home, Consumer<String> notes) {
        List<String> asked = names == null ? List.of() : names.stream().map(String::trim).toList();
        if (asked.equals(List.of("none"))) return new Found(null, List.of());
        for (String name : asked)
            if (!ALL.contains(name))
                throw new ParameterException(spec.commandLine(), "--peers: unknown peer '" + name + "'; give some of " + String.join(",", ALL) + ", or none");
        NumpyPeer numpy = null;
        List<ForwardPeer> forward = new ArrayList<>();
        if (asked.contains(NumpyPeer.ID))
            try {
                numpy = NumpyPeer.find(home);
            } catch (NumpyPeer.Unavailable e) {
                notes.accept(e.getMessage());
            }
        List<String> engines = asked.stream().filter(n -> !n.equals(NumpyPeer.ID)).toList();
        List<TorchPeer> torch = List.of();
        if (!engines.isEmpty())
            try {
                torch = TorchPeer.find(home, engines);
            } catch (NumpyPeer.Unavailable e) {
                notes.accept(e.getMessage());
            }
        for (String name : asked) {
            if (name.equals(NumpyPeer.ID) && numpy != null) forward.add(numpy);
            torch.stream().filter(t -> t.id().equals(name)).forEach(forward::add);
        }
        return new Found(numpy, forward);
    }
}
