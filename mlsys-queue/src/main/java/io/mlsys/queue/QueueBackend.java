package io.mlsys.queue;

/** Which backend delivers job ids ({@code jobs.queue}); job state is in the store for all. */
public enum QueueBackend {
  /** The store itself: a deliveries table with leases (SQLite or PostgreSQL). */
  EMBEDDED,
  /** Redis Streams with a consumer group ({@code jobs.redis}). */
  REDIS,
  /** RabbitMQ with manual acknowledgements ({@code jobs.rabbitmq}). */
  RABBITMQ
}
