package io.mlsys.server;

import io.mlsys.server.config.Role;

/**
 * An authenticated caller.
 *
 * @param user the name audit records give
 * @param role what the caller may do
 */
record Identity(String user, Role role) {}
