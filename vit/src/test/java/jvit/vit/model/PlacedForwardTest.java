package jvit.vit.model;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import jvit.runtime.Backend;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import jvit.runtime.schedule.Deployment;
import jvit.runtime.schedule.DeviceFailure;
import jvit.runtime.schedule.DeviceProfile;
import jvit.runtime.schedule.Failover;
import jvit.runtime.schedule.StandInDevice;
import jvit.runtime.schedule.Schedule;
import jvit.vit.ViTConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The forward pass placed over several devices (java and PoCL's opencl:0, opencl:1 where
 * {@code POCL_DEVICES="pthread pthread"}) gives the logits one device gives, within 1e-4 relative; with
 * {@code --on-failure fallback} also when a device fails half-way (a stand-in for java that fails on purpose).
 */
class PlacedForwardTest {
    private static final int BATCH = 5; // a pipeline of two stages takes it as micro-batches of 2, 2 and 1

    @Test
    void aPipelineOverJavaAndOpenCLGivesTheLogitsOfOneDevice() {
        assertSameLogits(pipeline(List.of(Devices.get("java"), openclDevices(1).getFirst()), 1, 1), 2);
    }

    @Test
    void aPipelineOverTwoOpenCLDevicesGivesTheLogitsOfOneDevice() {
        assertSameLogits(pipeline(openclDevices(2), 1, 3), 2);
    }

    @Test
    void autoMovesWorkWhereTheProfilesSayAndGivesTheLogitsOfOneDevice() {
        Device java = Devices.get("java"), opencl = openclDevices(1).getFirst();
        // opencl:0 said to multiply at once but to take 10 µs a launch, java to launch for free but multiply slowly, with cheap
        // transfers: the matmuls and attention (over 500 µs on java) go to opencl:0, the small operators (under 3 µs on java) to java.
        Map<Device, DeviceProfile> profiles = Map.of(java, profile(10, 1000, 1000, 0, 0), opencl, profile(1e6, 1000, 1000, 10, 0));
        assertSameLogits(new Deployment(List.of(java, opencl), Schedule.AUTO, profiles::get), 3);
    }

    @Test
    void autoStaysOnOneDeviceWhenARoundTripCostsMoreThanTheMoveGains() {
        Device java = Devices.get("java"), opencl = openclDevices(1).getFirst();
        // The profiles of the first test, but a stage boundary costs 10 ms on each side: more than opencl:0 would gain.
        Map<Device, DeviceProfile> profiles = Map.of(java, profile(10, 1000, 1000, 0, 10_000), opencl, profile(1e6, 1000, 1000, 10, 10_000));
        assertSameLogits(new Deployment(List.of(java, opencl), Schedule.AUTO, profiles::get), 1);
    }

    @Test
    void autoStaysOnOneDeviceWhenMovingCostsMoreThanItGains() {
        Device java = Devices.get("java"), opencl = openclDevices(1).getFirst();
        Map<Device, DeviceProfile> profiles = Map.of(java, profile(100, 10, 0.001, 1, 0), opencl, profile(110, 11, 0.001, 1, 0));
        assertSameLogits(new Deployment(List.of(java, opencl), Schedule.AUTO, profiles::get), 1);
    }

    @Test
    void withFallbackAPipelineWhoseDeviceFailsFinishesOnTheOther() {
        Device java = Devices.get("java"), flaky = new StandInDevice(java, "java#flaky", 1); // fails at its second micro-batch
        List<String> reports = new ArrayList<>();
        Deployment deployment = pipeline(List.of(java, flaky), 1, 1).withFailover(Failover.fallback(reports::add));
        assertSameLogits(deployment, 2);
        assertEquals(List.of("device java#flaky failed (the device was unplugged); going on without it"), reports);
        assertOnlyOn(java, deployment);
        assertEquals(1, reports.size(), "reported once");
    }

    @Test
    void withFallbackAnAutoPlacementWhoseDeviceFailsFinishesOnTheOther() {
        Device java = Devices.get("java"), flaky = new StandInDevice(java, "java#flaky", 0);
        Map<Device, DeviceProfile> profiles = Map.of(java, profile(10, 1000, 1000, 0, 0), flaky, profile(1e6, 1000, 1000, 10, 0));
        List<String> reports = new ArrayList<>();
        assertSameLogits(new Deployment(List.of(java, flaky), Schedule.AUTO, profiles::get, Failover.fallback(reports::add)), 3);
        assertEquals(1, reports.size(), reports.toString());
    }

    @Test
    void withFailAFailingDeviceStopsTheRunNamingIt() {
        Device java = Devices.get("java"), flaky = new StandInDevice(java, "java#flaky", 1);
        Random random = random();
        ViTConfig config = DeviceForwardTests.wide();
        try (Arena arena = Arena.ofShared()) {
            ViTWeights weights = ViTWeights.from(config, new RandomCheckpoint(config, random).tensors(CheckpointNames.TIMM, arena),
                    Path.of("test.safetensors"), arena);
            try (Inference placed = new Inference(weights, pipeline(List.of(java, flaky), 1, 1), BATCH)) {
                DeviceFailure f = assertThrows(DeviceFailure.class, () -> placed.run(false));
                assertSame(flaky, f.device());
                assertTrue(f.getMessage().startsWith("device java#flaky failed: the device was unplugged;"), f.getMessage());
            }
        }
    }

    /** A new inference over {@code deployment} leaves out the devices that failed before. */
    private static void assertOnlyOn(Device device, Deployment deployment) {
        ViTConfig config = DeviceForwardTests.wide();
        try (Arena arena = Arena.ofShared()) {
            ViTWeights weights = ViTWeights.from(config, new RandomCheckpoint(config, random()).tensors(CheckpointNames.TIMM, arena),
                    Path.of("test.safetensors"), arena);
            try (Inference later = new Inference(weights, deployment, BATCH)) {
                assertEquals(List.of(device), later.placement().devices(), later.placement().describe());
            }
        }
    }

    /** Runs a model of 65 tokens, 64 wide, on one java device and over {@code deployment}; at least {@code stages} stages are used. */
    static void assertSameLogits(Deployment deployment, int stages) {
        Random random = random();
        ViTConfig config = DeviceForwardTests.wide();
        RandomCheckpoint checkpoint = new RandomCheckpoint(config, random);
        try (Arena arena = Arena.ofShared()) {
            ViTWeights weights = ViTWeights.from(config, checkpoint.tensors(CheckpointNames.TIMM, arena), Path.of("test.safetensors"), arena);
            try (Inference one = new Inference(weights, Devices.get("java"), BATCH);
                 Inference placed = new Inference(weights, deployment, BATCH)) {
                assertTrue(placed.placement().stages().size() >= stages, placed.placement().describe());
                for (int run = 0; run < 2; run++) {
                    MemorySegment images = segment(arena, uniform(random, (int) (BATCH * one.imageElements()), 2));
                    one.images().copyFrom(images);
                    placed.images().copyFrom(images);
                    placed.logits().fill((byte) 0xff);
                    one.run(false);
                    placed.run(run == 1);
                    int n = BATCH * config.numLabels();
                    double[] e = toDoubles(one.logits(), n), a = toDoubles(placed.logits(), n);
                    double diff = 0, norm = 0;
                    for (int i = 0; i < n; i++) {
                        diff += (a[i] - e[i]) * (a[i] - e[i]);
                        norm += e[i] * e[i];
                    }
                    double error = Math.sqrt(diff / norm);
                    assertTrue(error <= 1e-4, deployment.schedule() + " run " + run + " " + random + ": logits differ by " + error
                            + "\n" + placed.placement().describe());
                }
            }
        }
    }

    /** Two devices, the second {@code ratio} times the first's speed. */
    static Deployment pipeline(List<Device> devices, double first, double second) {
        Map<Device, DeviceProfile> profiles = Map.of(devices.get(0), profile(first, 10, 1, 1, 0), devices.get(1), profile(second, 10, 1, 1, 0));
        return new Deployment(devices, Schedule.PIPELINE, profiles::get);
    }

    /**
     * A profile: matmuls at {@code matmul} GFLOP/s, memory at {@code bandwidth} GB/s, copies at {@code transfer} GB/s, launches in
     * {@code launch} µs, a round trip through the host in {@code roundTrip} µs.
     */
    static DeviceProfile profile(double matmul, double bandwidth, double transfer, double launch, double roundTrip) {
        return new DeviceProfile("test", new TreeMap<>(Map.of(512, matmul)), bandwidth, transfer, launch, roundTrip);
    }

    private static List<Device> openclDevices(int count) {
        Backend backend = Devices.backends().stream().filter(b -> b.name().equals("opencl")).findFirst().orElseThrow();
        Assumptions.assumeTrue(backend.unavailable().isEmpty(), () -> "no OpenCL: " + backend.unavailable().orElseThrow());
        Assumptions.assumeTrue(backend.devices().size() >= count, () -> "fewer than " + count + " OpenCL devices (POCL_DEVICES=\"pthread pthread\" gives two)");
        return backend.devices().subList(0, count);
    }
}
