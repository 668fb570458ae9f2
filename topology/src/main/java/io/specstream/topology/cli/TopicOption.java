package io.specstream.topology.cli;

import io.specstream.topology.catalogue.TopicSpec;
import io.specstream.topology.catalogue.Topics;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Turns {@code --topic prompts} into the catalogue's spec; an unknown name lists the known ones. */
final class TopicOption implements ITypeConverter<TopicSpec<String, ?>> {

    @Override
    public TopicSpec<String, ?> convert(String value) {
        try {
            return Topics.byBaseName(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
