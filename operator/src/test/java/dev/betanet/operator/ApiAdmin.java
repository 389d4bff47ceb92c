package dev.betanet.operator;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A {@code KubernetesClient} field the {@link WithRbacApiServer} resource fills with an
 * administrator's client: the test plays the user and kubelet with it, while the operator's own
 * (injected) client is its service account's.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface ApiAdmin {}
