package jvit.kernels.tornado;

import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.common.TaskPackage;

/**
 * One TornadoVM task of an operator: the package to add to a {@code TaskGraph} ({@code graph.addTask(task)}),
 * its id within the graph ({@link #id()}, the package's own), and the grid it runs on, to register
 * in the plan's {@code GridScheduler} under {@code graphName + "." + id}. Every jvit kernel takes a
 * {@code KernelContext}, so every task has a grid.
 */
public record TornadoTask(String id, TaskPackage task, WorkerGrid grid) {}
