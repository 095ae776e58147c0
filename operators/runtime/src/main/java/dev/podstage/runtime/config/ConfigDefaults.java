package dev.podstage.runtime.config;

import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Lets {@code --help} show each option's effective default (environment, else the mapping's
 * {@code @WithDefault}) from the one place defaults live: the config mapping.
 */
public final class ConfigDefaults implements IDefaultValueProvider {

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)
                || option.descriptionKey() == null
                || option.descriptionKey().isEmpty()) {
            return null;
        }
        Object command = arg.command().userObject();
        if (command instanceof ConfiguredCommand configured) {
            return configured.configLoader().effectiveDefault(option.descriptionKey());
        }
        return null;
    }

    /** A command whose options map onto config keys. */
    public interface ConfiguredCommand {
        StageConfigLoader configLoader();
    }
}
