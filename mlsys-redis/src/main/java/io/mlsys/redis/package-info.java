/**
 * The server's Redis: {@link io.mlsys.redis.RedisConnections} holds one Lettuce connection per
 * Redis URI for every user in the server (the prediction cache's Redis tier, the feature cache's
 * shared tier), opened in the background and closed once with the server; {@link
 * io.mlsys.redis.RedisBreaker} is the breaker each user puts in front of its tier so a Redis that
 * is down or slow costs its calls nothing.
 */
package io.mlsys.redis;
