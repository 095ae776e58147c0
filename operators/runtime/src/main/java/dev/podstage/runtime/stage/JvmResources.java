package dev.podstage.runtime.stage;

/**
 * What the JVM took for itself from its container: the heap it may grow to and the CPUs it counts.
 * Logged at start, so a pod's log shows that the heap follows the pod's memory limit (ADR 0006) and
 * the thread pools its CPU limit, not the node's.
 */
public record JvmResources(long maxHeapBytes, int cpus) {

    public static JvmResources current() {
        Runtime runtime = Runtime.getRuntime();
        return new JvmResources(runtime.maxMemory(), runtime.availableProcessors());
    }

    /** "heap up to 520 MiB, 1 CPU": a 768Mi pod with the images' flags (70 % of the limit, less a survivor space) */
    public String describe() {
        return "heap up to " + (maxHeapBytes >> 20) + " MiB, " + cpus + (cpus == 1 ? " CPU" : " CPUs");
    }
}
