package jvit.runtime.opencl;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import jvit.kernels.device.KernelProgram;
import jvit.kernels.device.KernelSources;
import jvit.runtime.Releases;
import org.junit.jupiter.api.Test;

/** The binding layer on opencl:0: errors by name, build logs, programs from binaries. */
class CLTest {
    @Test
    void aDeviceErrorNamesTheCallAndTheCode() {
        OpenCLDevice device = OpenCLTesting.device();
        var e = assertThrows(CLException.class, () -> CL.createBuffer(device.shared().context(), 0));
        assertEquals("clCreateBuffer", e.call());
        assertEquals(-61, e.code());
        assertEquals("clCreateBuffer: CL_INVALID_BUFFER_SIZE (-61)", e.getMessage());
        assertEquals("CL_OUT_OF_RESOURCES", CLException.codeName(-5));
        assertEquals("CL_UNKNOWN_ERROR", CLException.codeName(-12345));
    }

    @Test
    void aBuildFailureNamesTheSourceAndShowsTheCompilersLog() {
        OpenCLDevice device = OpenCLTesting.device();
        var broken = new KernelProgram("matmul.cl", List.of("THREADS=not_a_number"));
        var e = assertThrows(CLBuildException.class, () -> device.shared().programs().acquire(broken));
        assertEquals("matmul.cl", e.source());
        assertTrue(e.getMessage().startsWith("matmul.cl: clBuildProgram: CL_BUILD_PROGRAM_FAILURE (-11); the compiler said:\n"),
                e.getMessage());
        assertTrue(e.log().contains("not_a_number"), e.log());
        // The failure is not cached, and the device still builds and runs good programs.
        assertThrows(CLBuildException.class, () -> device.shared().programs().acquire(broken));
        assertArrayEquals(new double[] {3}, OpenCLTesting.run(new jvit.kernels.Op.Add(1), new double[] {1}, new double[] {2}));
    }

    /** The FPGA flow: build once, keep the binary, later create the program from it. Allocate, copy, compile, launch. */
    @Test
    void aProgramRebuiltFromItsBinaryRuns() {
        OpenCLDevice device = OpenCLTesting.device();
        MemorySegment context = device.shared().context(), dev = device.handle();
        MemorySegment fromSource = CL.createProgram(context, KernelSources.read("add.cl"));
        byte[] binary;
        try {
            CL.build(fromSource, dev, "", "add.cl");
            binary = CL.programBinary(fromSource);
        } finally {
            CL.releaseProgram(fromSource);
        }
        assertTrue(binary.length > 0);

        int n = 1000;
        Releases releases = new Releases();
        try (Arena arena = Arena.ofConfined(); releases) {
            MemorySegment program = CL.createProgram(context, dev, binary);
            releases.add(() -> CL.releaseProgram(program));
            CL.build(program, dev, "", "add.cl (binary)");
            MemorySegment kernel = CL.createKernel(program, "add");
            releases.add(() -> CL.releaseKernel(kernel));
            MemorySegment queue = CL.createQueue(context, dev, device.openCL2());
            releases.add(() -> CL.releaseQueue(queue));
            MemorySegment a = CL.createBuffer(context, 4L * n), out = CL.createBuffer(context, 4L * n);
            releases.add(() -> CL.releaseBuffer(a));
            releases.add(() -> CL.releaseBuffer(out));

            MemorySegment host = arena.allocate(JAVA_FLOAT, n);
            for (int i = 0; i < n; i++) host.setAtIndex(JAVA_FLOAT, i, i);
            CL.enqueueWrite(queue, a, host, 4L * n, MemorySegment.NULL);
            CL.setBufferArg(kernel, 0, out);
            CL.setBufferArg(kernel, 1, a);
            CL.setBufferArg(kernel, 2, a);
            CL.setArg(kernel, 3, n);
            CL.enqueueKernel(queue, kernel, 1, arena.allocateFrom(JAVA_LONG, 1024), arena.allocateFrom(JAVA_LONG, 64), MemorySegment.NULL);
            MemorySegment result = arena.allocate(JAVA_FLOAT, n);
            CL.enqueueRead(queue, out, result, 4L * n, MemorySegment.NULL);
            CL.finish(queue);
            for (int i = 0; i < n; i++) assertEquals(2f * i, result.getAtIndex(JAVA_FLOAT, i), "element " + i);
        }
    }
}
