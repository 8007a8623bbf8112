# Sourced by every jvit script (bin/vit, bin/test, bench scripts): finds a JDK >= 22 and the
# accelerator stacks present. Run it directly (`bash tornado-env.sh`) to see what it found.
#
# Exports JAVA_HOME and PATH (JDK first), and when present:
#   JVIT_OPENCL_ICDS  the OpenCL ICDs registered in /etc/OpenCL/vendors
#   JVIT_CUDA_DRIVER  the CUDA driver library (libcuda.so.1)
#   CUDA_HOME         the CUDA toolkit (nvcc, NVRTC), if not already set
#   TORNADOVM_HOME    a TornadoVM SDK: as given, else the first found of the usual install places
#                     (jvit_find_tornado); it activates the Maven profile `tornadovm`
#   JVIT_TORNADO_FLAGS  the JVM flags a tornado device needs (TornadoVM's argfile), when an SDK is found

jvit_java_major() {  # the feature version of the JDK at $1, or 0
    local release="$1/release" v
    [ -x "$1/bin/java" ] || { echo 0; return; }
    if [ -f "$release" ]; then
        v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")
    else
        v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
    fi
    echo "${v:-0}"
}

jvit_find_jdk() {  # prints the newest JDK >= 22: $JAVA_HOME if it qualifies, else /usr/lib/jvm/*
    local best="" best_v=0 d v
    if [ -n "${JAVA_HOME:-}" ] && [ "$(jvit_java_major "$JAVA_HOME")" -ge 22 ]; then
        echo "$JAVA_HOME"; return 0
    fi
    for d in /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
        [ -d "$d" ] && [ ! -L "$d" ] || continue
        v=$(jvit_java_major "$d")
        if [ "$v" -ge 22 ] && [ "$v" -gt "$best_v" ] && [ -x "$d/bin/javac" ]; then best=$d; best_v=$v; fi
    done
    [ -n "$best" ] && echo "$best"
}

if JVIT_JDK=$(jvit_find_jdk); then
    export JAVA_HOME="$JVIT_JDK"
    case ":$PATH:" in *":$JAVA_HOME/bin:"*) ;; *) export PATH="$JAVA_HOME/bin:$PATH" ;; esac
else
    JVIT_JDK=""
fi

JVIT_OPENCL_ICDS=$( (ls /etc/OpenCL/vendors/*.icd 2>/dev/null || true) | tr "\n" " ")
export JVIT_OPENCL_ICDS
JVIT_CUDA_DRIVER=$( (ldconfig -p 2>/dev/null || true) | awk '/libcuda\.so\.1 /{print $NF; exit}')
export JVIT_CUDA_DRIVER
if [ -z "${CUDA_HOME:-}" ] && [ -x /usr/local/cuda/bin/nvcc ]; then export CUDA_HOME=/usr/local/cuda; fi
# The flags every jvit JVM needs (the root pom's jvit.jvmFlags for the tests): the Vector API, native
# access for FFM, and the CPU kernels' vector helpers (…Lanes) always inlined, whatever C2's profile
# says (see jvit.kernels.cpu.F32); quiet keeps CompileCommand from printing on stdout.
JVIT_JVM_FLAGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
    -XX:CompileCommand=quiet '-XX:CompileCommand=inline,jvit.kernels.cpu.*::*Lanes')
# PoCL loads LLVM, which installs its own SIGSEGV/SIGBUS/SIGILL/SIGFPE handlers over the JVM's;
# the JVM raises SIGSEGV on purpose (safepoint polls, implicit null checks), so any JVM that has
# listed OpenCL devices could then die with "Segmentation fault" and no hs_err file. The JDK's
# signal-chaining library, preloaded, keeps the JVM's handlers first. jvit_java_env exports it for
# the JVMs a script starts (not for the user's shell).
jvit_java_env() {
    local jsig="$JAVA_HOME/lib/libjsig.so"
    case ":${LD_PRELOAD:-}:" in *":$jsig:"*) return 0 ;; esac
    [ -f "$jsig" ] && export LD_PRELOAD="$jsig${LD_PRELOAD:+:$LD_PRELOAD}"
    return 0
}
# A TornadoVM SDK holds its JVM flags in tornado-argfile (made by its installer) and the API jar.
jvit_is_tornado_sdk() { [ -f "$1/tornado-argfile" ] && [ -d "$1/share/java/tornado" ]; }

jvit_find_tornado() {  # prints the SDK: $TORNADOVM_HOME if set, else the first usual install place holding one
    local d
    if [ -n "${TORNADOVM_HOME:-}" ]; then echo "$TORNADOVM_HOME"; return 0; fi
    for d in "$HOME/TornadoVM/sdk" "$HOME/TornadoVM/bin/sdk" /root/TornadoVM/sdk /root/TornadoVM/bin/sdk /opt/tornadovm \
             /opt/TornadoVM/sdk "$HOME"/TornadoVM/dist/tornadovm-*/tornadovm-*; do
        if jvit_is_tornado_sdk "$d"; then echo "$d"; return 0; fi
    done
    return 1
}

# A TORNADOVM_HOME that holds no SDK is reported and dropped: it would only break the build.
JVIT_TORNADO_FLAGS="" JVIT_TORNADO_NOT_SDK=""
if TORNADOVM_HOME=$(jvit_find_tornado) && jvit_is_tornado_sdk "$TORNADOVM_HOME"; then
    export TORNADOVM_HOME
    # TornadoVM otherwise runs a kernel it failed to compile as Java on the host, unseen.
    JVIT_TORNADO_FLAGS="@$TORNADOVM_HOME/tornado-argfile -Dtornado.recover.bailout=False -Dtornado.tvm.maxbytecodesize=262144"
else
    JVIT_TORNADO_NOT_SDK=${TORNADOVM_HOME:-}
    unset TORNADOVM_HOME
fi
export JVIT_TORNADO_FLAGS

# Maven's own libraries call sun.misc.Unsafe; JDK 24+ warns about it on every build.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"

jvit_env_report() {
    if [ -n "$JVIT_JDK" ]; then
        echo "JDK:       $JAVA_HOME ($("$JAVA_HOME/bin/java" -version 2>&1 | head -1))"
    else
        echo "JDK:       none >= 22 found; install one, e.g. apt-get install openjdk-25-jdk or Temurin 25, or set JAVA_HOME"
    fi
    echo "OpenCL:    ${JVIT_OPENCL_ICDS:-no ICD in /etc/OpenCL/vendors (apt-get install pocl-opencl-icd for OpenCL on the CPU)}"
    echo "CUDA:      ${JVIT_CUDA_DRIVER:-no driver (libcuda.so.1)}${CUDA_HOME:+, toolkit $CUDA_HOME}"
    if [ -n "$JVIT_TORNADO_FLAGS" ]; then
        echo "TornadoVM: $TORNADOVM_HOME"
    elif [ -n "$JVIT_TORNADO_NOT_SDK" ]; then
        echo "TornadoVM: TORNADOVM_HOME=$JVIT_TORNADO_NOT_SDK is not a TornadoVM SDK (no tornado-argfile or share/java/tornado there); ignored"
    else
        echo "TornadoVM: not installed (install it as its docs say and set TORNADOVM_HOME to the SDK; see README, TornadoVM)"
    fi
}

# Run directly rather than sourced: report.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then jvit_env_report; fi
