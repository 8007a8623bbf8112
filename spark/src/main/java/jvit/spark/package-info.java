/** jvit on Apache Spark: batch inference as a Spark ML transformer, and the job behind {@code vit spark classify}. */
package jvit.spark;
