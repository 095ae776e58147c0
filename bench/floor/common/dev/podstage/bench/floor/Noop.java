package dev.podstage.bench.floor;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Starts, parses an empty command line and exits 0: what is left is the framework's start. */
@Command(name = "noop")
public class Noop implements Callable<Integer> {

    @Override
    public Integer call() {
        return 0;
    }
}
