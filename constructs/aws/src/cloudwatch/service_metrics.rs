//! Metric accessors on the compute, edge and messaging constructs (ECS
//! services, load balancers, Lambda functions, queues, topics, state
//! machines and streams), and alarm actions straight from a topic or a
//! function.

use crate::ecs::FargateService;
use crate::elbv2::{ApplicationLoadBalancer, ApplicationTargetGroup};
use crate::kinesis::Stream;
use crate::lambda::Function;
use crate::sns::Topic;
use crate::sqs::Queue;
use crate::stepfunctions::StateMachine;

use super::alarm::AlarmAction;
use super::metric::{Metric, Statistic};

impl FargateService {
    /// A metric of this service in `AWS/ECS` (dimensions `ClusterName` and
    /// `ServiceName`).
    pub fn metric(&self, metric_name: &str) -> Metric {
        Metric::new("AWS/ECS", metric_name)
            .with_dimension("ClusterName", self.cluster().cluster_name())
            .with_dimension("ServiceName", self.service_name())
    }

    /// CPU reserved by the tasks that they use (`CPUUtilization`, average, percent).
    pub fn metric_cpu(&self) -> Metric {
        self.metric("CPUUtilization")
    }

    /// Memory reserved by the tasks that they use (`MemoryUtilization`,
    /// average, percent).
    pub fn metric_memory(&self) -> Metric {
        self.metric("MemoryUtilization")
    }
}

impl ApplicationLoadBalancer {
    /// A metric of this load balancer in `AWS/ApplicationELB` (dimension
    /// `LoadBalancer`, the `app/<name>/<id>` full name).
    pub fn metric(&self, metric_name: &str) -> Metric {
        Metric::new("AWS/ApplicationELB", metric_name)
            .with_dimension("LoadBalancer", self.load_balancer_full_name())
    }

    /// Requests served (`RequestCount`, sum).
    pub fn metric_request_count(&self) -> Metric {
        self.metric("RequestCount").with_statistic(Statistic::Sum)
    }

    /// Seconds from request to target response (`TargetResponseTime`, average).
    pub fn metric_target_response_time(&self) -> Metric {
        self.metric("TargetResponseTime")
    }

    /// 5XX responses the load balancer generated (`HTTPCode_ELB_5XX_Count`, sum).
    pub fn metric_elb_5xx(&self) -> Metric {
        self.metric("HTTPCode_ELB_5XX_Count")
            .with_statistic(Statistic::Sum)
    }

    /// 5XX responses of the targets (`HTTPCode_Target_5XX_Count`, sum).
    pub fn metric_target_5xx(&self) -> Metric {
        self.metric("HTTPCode_Target_5XX_Count")
            .with_statistic(Statistic::Sum)
    }

    /// Connections refused at the connection limit (`RejectedConnectionCount`, sum).
    pub fn metric_rejected_connections(&self) -> Metric {
        self.metric("RejectedConnectionCount")
            .with_statistic(Statistic::Sum)
    }
}

impl ApplicationTargetGroup {
    /// A metric of this target group in `AWS/ApplicationELB` (dimensions
    /// `TargetGroup` and `LoadBalancer`). A group no load balancer forwards
    /// to reports no metrics; that is recorded as an error.
    pub fn metric(&self, metric_name: &str) -> Metric {
        let metric = Metric::new("AWS/ApplicationELB", metric_name)
            .with_dimension("TargetGroup", self.target_group_full_name());
        match self.load_balancer_full_name() {
            Some(lb) => metric.with_dimension("LoadBalancer", lb),
            None => {
                self.scope().error(
                    "elbv2-metric",
                    format!("the target group reports {metric_name} only once a load balancer forwards to it; add it to a listener first"),
                );
                metric
            }
        }
    }

    /// Healthy targets (`HealthyHostCount`, minimum).
    pub fn metric_healthy_hosts(&self) -> Metric {
        self.metric("HealthyHostCount")
            .with_statistic(Statistic::Minimum)
    }

    /// Unhealthy targets (`UnHealthyHostCount`, maximum).
    pub fn metric_unhealthy_hosts(&self) -> Metric {
        self.metric("UnHealthyHostCount")
            .with_statistic(Statistic::Maximum)
    }

    /// Seconds from request to target response (`TargetResponseTime`, average).
    pub fn metric_target_response_time(&self) -> Metric {
        self.metric("TargetResponseTime")
    }
}

impl Function {
    /// A metric of this function in `AWS/Lambda` (dimension `FunctionName`).
    pub fn metric(&self, metric_name: &str) -> Metric {
        Metric::new("AWS/Lambda", metric_name).with_dimension("FunctionName", self.function_name())
    }

    /// Invocations that failed (`Errors`, sum).
    pub fn metric_errors(&self) -> Metric {
        self.metric("Errors").with_statistic(Statistic::Sum)
    }

    /// Invocations (`Invocations`, sum).
    pub fn metric_invocations(&self) -> Metric {
        self.metric("Invocations").with_statistic(Statistic::Sum)
    }

    /// Invocations throttled (`Throttles`, sum).
    pub fn metric_throttles(&self) -> Metric {
        self.metric("Throttles").with_statistic(Statistic::Sum)
    }

    /// Run time per invocation (`Duration`, average, milliseconds).
    pub fn metric_duration(&self) -> Metric {
        self.metric("Duration")
    }

    /// Instances running at once (`ConcurrentExecutions`, maximum).
    pub fn metric_concurrent_executions(&self) -> Metric {
        self.metric("ConcurrentExecutions")
            .with_statistic(Statistic::Maximum)
    }
}

impl Queue {
    /// A metric of this queue in `AWS/SQS` (dimension `QueueName`).
    pub fn metric(&self, metric_name: &str) -> Metric {
        Metric::new("AWS/SQS", metric_name).with_dimension("QueueName", self.queue_name())
    }

    /// Age in seconds of the oldest waiting message
    /// (`ApproximateAgeOfOldestMessage`, maximum).
    pub fn metric_age_of_oldest_message(&self) -> Metric {
        self.metric("ApproximateAgeOfOldestMessage")
            .with_statistic(Statistic::Maximum)
    }

    /// Messages waiting (`ApproximateNumberOfMessagesVisible`, maximum).
    pub fn metric_visible_messages(&self) -> Metric {
        self.metric("ApproximateNumberOfMessagesVisible")
            .with_statistic(Statistic::Maximum)
    }

    /// Messages sent (`NumberOfMessagesSent`, sum).
    pub fn metric_messages_sent(&self) -> Metric {
        self.metric("NumberOfMessagesSent")
            .with_statistic(Statistic::Sum)
    }

    /// Messages deleted after processing (`NumberOfMessagesDeleted`, sum).
    pub fn metric_messages_deleted(&self) -> Metric {
        self.metric("NumberOfMessagesDeleted")
            .with_statistic(Statistic::Sum)
    }
}

impl Topic {
    /// A metric of this topic in `AWS/SNS` (dimension `TopicName`).
    pub fn metric(&self, metric_name: &str) -> Metric {
        Metric::new("AWS/SNS", metric_name).with_dimension("TopicName", self.topic_name())
    }

    /// Messages published (`NumberOfMessagesPublished`, sum).
    pub fn metric_messages_published(&self) -> Metric {
        self.metric("NumberOfMessagesPublished")
            .with_statistic(Statistic::Sum)
    }

    /// Deliveries that failed (`NumberOfNotificationsFailed`, sum).
    pub fn metric_notifications_failed(&self) -> Metric {
        self.metric("NumberOfNotificationsFailed")
            .with_statistic(Statistic::Sum)
    }

    /// Deliveries that succeeded (`NumberOfNotificationsDelivered`, sum).
    pub fn metric_notifications_delivered(&self) -> Metric {
        self.metric("NumberOfNotificationsDelivered")
            .with_statistic(Statistic::Sum)
    }
}

impl StateMachine {
    /// A metric of this state machine in `AWS/States` (dimension `StateMachineArn`).
    pub fn metric(&self, metric_name: &str) -> Metric {
        Metric::new("AWS/States", metric_name)
            .with_dimension("StateMachineArn", self.state_machine_arn())
    }

    /// Executions that failed (`ExecutionsFailed`, sum).
    pub fn metric_failed(&self) -> Metric {
        self.metric("ExecutionsFailed")
            .with_statistic(Statistic::Sum)
    }

    /// Executions that timed out (`ExecutionsTimedOut`, sum).
    pub fn metric_timed_out(&self) -> Metric {
        self.metric("ExecutionsTimedOut")
            .with_statistic(Statistic::Sum)
    }

    /// Executions started (`ExecutionsStarted`, sum).
    pub fn metric_started(&self) -> Metric {
        self.metric("ExecutionsStarted")
            .with_statistic(Statistic::Sum)
    }

    /// Milliseconds per execution (`ExecutionTime`, average).
    pub fn metric_time(&self) -> Metric {
        self.metric("ExecutionTime")
    }
}

impl Stream {
    /// A metric of this stream in `AWS/Kinesis` (dimension `StreamName`).
    pub fn metric(&self, metric_name: &str) -> Metric {
        Metric::new("AWS/Kinesis", metric_name).with_dimension("StreamName", self.stream_name())
    }

    /// How far behind consumers are, in milliseconds
    /// (`GetRecords.IteratorAgeMilliseconds`, maximum).
    pub fn metric_iterator_age(&self) -> Metric {
        self.metric("GetRecords.IteratorAgeMilliseconds")
            .with_statistic(Statistic::Maximum)
    }

    /// Records put (`IncomingRecords`, sum).
    pub fn metric_incoming_records(&self) -> Metric {
        self.metric("IncomingRecords")
            .with_statistic(Statistic::Sum)
    }

    /// Writes throttled for lack of shard capacity
    /// (`WriteProvisionedThroughputExceeded`, sum).
    pub fn metric_write_throttles(&self) -> Metric {
        self.metric("WriteProvisionedThroughputExceeded")
            .with_statistic(Statistic::Sum)
    }
}

impl From<&Topic> for AlarmAction {
    /// Publish to the topic.
    fn from(topic: &Topic) -> Self {
        AlarmAction::SnsTopic(topic.topic_arn())
    }
}

impl From<&Function> for AlarmAction {
    /// Invoke the function.
    fn from(function: &Function) -> Self {
        AlarmAction::Lambda(function.function_arn())
    }
}
