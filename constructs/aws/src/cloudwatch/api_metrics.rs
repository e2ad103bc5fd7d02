//! Metric accessors on the API Gateway constructs: REST APIs by name (as
//! CloudWatch reports them) and WebSocket APIs by id and stage.

use strata_cfn::api_gateway as apigw;
use strata_core::Value;

use crate::apigateway::{RestApi, WebSocketApi};

use super::metric::{Metric, Statistic};

impl RestApi {
    /// A metric of this API in `AWS/ApiGateway` (dimension `ApiName`, the
    /// API's name).
    pub fn metric(&self, metric_name: &str) -> Metric {
        let mut name: Value<String> = self.rest_api_id();
        if let Some(res) = self.scope().of(self.resource()) {
            res.with_resource::<apigw::RestApi>(|api| {
                if let Some(n) = &api.name {
                    name = n.clone();
                }
            });
        }
        Metric::new("AWS/ApiGateway", metric_name).with_dimension("ApiName", name)
    }

    /// Server-side errors (`5XXError`, sum).
    pub fn metric_5xx(&self) -> Metric {
        self.metric("5XXError").with_statistic(Statistic::Sum)
    }

    /// Client-side errors (`4XXError`, sum).
    pub fn metric_4xx(&self) -> Metric {
        self.metric("4XXError").with_statistic(Statistic::Sum)
    }

    /// Requests (`Count`, sum).
    pub fn metric_count(&self) -> Metric {
        self.metric("Count").with_statistic(Statistic::Sum)
    }

    /// Milliseconds from request to response (`Latency`, average).
    pub fn metric_latency(&self) -> Metric {
        self.metric("Latency")
    }

    /// Milliseconds spent in the backend (`IntegrationLatency`, average).
    pub fn metric_integration_latency(&self) -> Metric {
        self.metric("IntegrationLatency")
    }
}

impl WebSocketApi {
    /// A metric of this API's stage in `AWS/ApiGateway` (dimensions `ApiId`
    /// and `Stage`).
    pub fn metric(&self, metric_name: &str) -> Metric {
        Metric::new("AWS/ApiGateway", metric_name)
            .with_dimension("ApiId", self.api_id())
            .with_dimension("Stage", self.stage_name())
    }

    /// Connection requests (`ConnectCount`, sum).
    pub fn metric_connect_count(&self) -> Metric {
        self.metric("ConnectCount").with_statistic(Statistic::Sum)
    }

    /// Messages sent and received (`MessageCount`, sum).
    pub fn metric_message_count(&self) -> Metric {
        self.metric("MessageCount").with_statistic(Statistic::Sum)
    }

    /// Errors returned by integrations (`IntegrationError`, sum).
    pub fn metric_integration_errors(&self) -> Metric {
        self.metric("IntegrationError")
            .with_statistic(Statistic::Sum)
    }

    /// Errors of API Gateway itself (`ExecutionError`, sum).
    pub fn metric_execution_errors(&self) -> Metric {
        self.metric("ExecutionError").with_statistic(Statistic::Sum)
    }
}
