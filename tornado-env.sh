# Sourced by every jvit script (bin/vit, bin/test, bench scripts): finds a JDK >= 22 and the
# accelerator stacks present. Run it directly (`bash tornado-env.sh`) to see what it found.
#
# Exports JAVA_HOME and PATH (JDK first), and when present:
#   JVIT_OPENCL_ICDS  the OpenCL ICDs registered in /etc/OpenCL/vendors
#   JVIT_CUDA_DRIVER  the CUDA driver library (libcuda.so.1)
#   CUDA_HOME         the CUDA toolkit (nvcc, NVRTC), if not already set
#   TORNADOVM_HOME    kept as given: an installed TornadoVM SDK

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
    echo "TornadoVM: ${TORNADOVM_HOME:-not installed (set TORNADOVM_HOME to an SDK to build the tornadovm profile)}"
}

# Run directly rather than sourced: report.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then jvit_env_report; fi
