package io.specstream.selector.policy;

import io.specstream.selector.state.Choice;

/** A choice and why, in words for operators (the reason is not part of what counts as a change). */
public record Decision(Choice choice, String reason) {
}
