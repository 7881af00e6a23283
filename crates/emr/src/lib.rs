//! The EMR engine: clusters of primary, core and task nodes, HDFS blocks and their
//! replicas, YARN containers, and MapReduce jobs that compute real output on simulated time.
//!
//! The engine is not built yet; the playground's EMR view says so. Its shape is set out in
//! the design notes: pure state machines stepped by the world, reading the DynamoDB engine's
//! tables through a connector that spends their read capacity.
