//! Each rule of the transit, network, operations and IAM packs: a
//! resource that passes and one that fails, by rule id and logical id.

mod common;

use common::{assert_fails, case, check};
use serde_json::{json, Value};

fn ssl_policy(bucket: &str) -> Value {
    json!({"Type": "AWS::S3::BucketPolicy", "Properties": {
        "Bucket": {"Ref": bucket},
        "PolicyDocument": {"Statement": [{
            "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*",
            "Resource": [{"Fn::GetAtt": [bucket, "Arn"]}],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}}})
}

#[test]
fn buckets_refuse_plain_http() {
    let bucket = json!({"Type": "AWS::S3::Bucket", "Properties": {}});
    case(
        "S3_BUCKET_SSL_REQUESTS_ONLY",
        json!({"A": bucket, "APolicy": ssl_policy("A"), "B": bucket, "BPolicy": ssl_policy("B")}),
        json!({
            "NoPolicy": bucket,
            "WeakPolicy": bucket,
            "Weak": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Ref": "WeakPolicy"},
                "PolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
                    "Action": "s3:GetObject", "Resource": "*"}]}}}
        }),
        &["NoPolicy", "WeakPolicy"],
    );
    // With no bucket policy at all, every bucket fails.
    assert_fails(
        &check(json!({"A": bucket, "B": bucket})),
        "S3_BUCKET_SSL_REQUESTS_ONLY",
        &["A", "B"],
    );
}

#[test]
fn caches_search_and_dax_use_tls() {
    case(
        "ELASTICACHE_TRANSIT_ENCRYPTION",
        json!({"Good": {"Type": "AWS::ElastiCache::ReplicationGroup", "Properties": {"TransitEncryptionEnabled": true}}}),
        json!({"Bad": {"Type": "AWS::ElastiCache::ReplicationGroup", "Properties": {"TransitEncryptionEnabled": false}}}),
        &["Bad"],
    );
    case(
        "OPENSEARCH_NODE_TO_NODE_ENCRYPTION",
        json!({"Good": {"Type": "AWS::OpenSearchService::Domain", "Properties": {"NodeToNodeEncryptionOptions": {"Enabled": true}}}}),
        json!({"Bad": {"Type": "AWS::Elasticsearch::Domain", "Properties": {}}}),
        &["Bad"],
    );
    case(
        "OPENSEARCH_ENFORCE_HTTPS",
        json!({"Good": {"Type": "AWS::OpenSearchService::Domain", "Properties": {"DomainEndpointOptions": {"EnforceHTTPS": true}}}}),
        json!({"Bad": {"Type": "AWS::OpenSearchService::Domain", "Properties": {"DomainEndpointOptions": {"EnforceHTTPS": false}}}}),
        &["Bad"],
    );
    case(
        "DAX_ENDPOINT_TLS",
        json!({"Good": {"Type": "AWS::DAX::Cluster", "Properties": {"ClusterEndpointEncryptionType": "TLS"}}}),
        json!({"Bad": {"Type": "AWS::DAX::Cluster", "Properties": {"ClusterEndpointEncryptionType": "NONE"}}}),
        &["Bad"],
    );
}

#[test]
fn public_listeners_speak_tls() {
    let lb = |scheme: Option<&str>| match scheme {
        Some(s) => {
            json!({"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {"Scheme": s}})
        }
        None => json!({"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {}}),
    };
    let listener = |lb: &str, protocol: &str, action: Value| {
        json!({"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {
            "LoadBalancerArn": {"Ref": lb}, "Protocol": protocol, "DefaultActions": [action]}})
    };
    let forward = json!({"Type": "forward", "TargetGroupArn": {"Ref": "Tg"}});
    let redirect = json!({"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}});
    case(
        "ELB_PUBLIC_LISTENER_TLS",
        json!({
            "Public": lb(Some("internet-facing")),
            "Internal": lb(Some("internal")),
            "Https": listener("Public", "HTTPS", forward.clone()),
            "Redirect": listener("Public", "HTTP", redirect),
            "InsideHttp": listener("Internal", "HTTP", forward.clone())
        }),
        json!({
            "DefaultScheme": lb(None),
            "PlainHttp": listener("Public", "HTTP", forward.clone()),
            "DefaultHttp": listener("DefaultScheme", "HTTP", forward)
        }),
        &["DefaultHttp", "PlainHttp"],
    );
}

#[test]
fn cloudfront_viewers_use_https() {
    let distribution = |default: &str, behavior: &str| {
        json!({"Type": "AWS::CloudFront::Distribution", "Properties": {"DistributionConfig": {
            "DefaultCacheBehavior": {"ViewerProtocolPolicy": default},
            "CacheBehaviors": [{"PathPattern": "/api/*", "ViewerProtocolPolicy": behavior}]}}})
    };
    case(
        "CLOUDFRONT_VIEWER_HTTPS",
        json!({"Good": distribution("redirect-to-https", "https-only")}),
        json!({"Bad": distribution("allow-all", "https-only"), "BadPath": distribution("https-only", "allow-all")}),
        &["Bad", "BadPath"],
    );
}

#[test]
fn buckets_block_public_access() {
    let block = |all: bool| {
        json!({"Type": "AWS::S3::Bucket", "Properties": {"PublicAccessBlockConfiguration": {
            "BlockPublicAcls": true, "BlockPublicPolicy": all, "IgnorePublicAcls": true, "RestrictPublicBuckets": true}}})
    };
    case(
        "S3_BUCKET_PUBLIC_ACCESS_BLOCKED",
        json!({"Good": block(true)}),
        json!({"Partial": block(false), "Missing": {"Type": "AWS::S3::Bucket", "Properties": {}}}),
        &["Missing", "Partial"],
    );
}

fn group(ingress: Value) -> Value {
    json!({"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "g", "SecurityGroupIngress": ingress}})
}

fn open(port_from: u16, port_to: u16) -> Value {
    json!({"CidrIp": "0.0.0.0/0", "IpProtocol": "tcp", "FromPort": port_from, "ToPort": port_to})
}

#[test]
fn internet_ingress_only_into_public_load_balancers_on_80_and_443() {
    let rule = "SECURITY_GROUP_OPEN_INGRESS";
    let public_lb = json!({"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {
        "SecurityGroups": [{"Fn::GetAtt": ["LbSg", "GroupId"]}]}});
    let inside = json!([{"CidrIp": "10.0.0.0/16", "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22},
                        {"SourceSecurityGroupId": "sg-1", "IpProtocol": "-1"}]);
    case(
        rule,
        json!({
            "Lb": public_lb,
            "LbSg": group(json!([open(443, 443), open(80, 80),
                {"CidrIpv6": "::/0", "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}])),
            "AppSg": group(inside),
            "LbHttps": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
                "GroupId": {"Fn::GetAtt": ["LbSg", "GroupId"]}, "CidrIp": "0.0.0.0/0",
                "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}}
        }),
        json!({
            "OpenApp": group(json!([open(443, 443)])),
            "OpenV6": group(json!([{"CidrIpv6": "::/0", "IpProtocol": "-1"}])),
            "LbSsh": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
                "GroupId": {"Fn::GetAtt": ["LbSg", "GroupId"]}, "CidrIp": "0.0.0.0/0",
                "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22}},
            "Lb2": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {
                "SecurityGroups": [{"Fn::GetAtt": ["Lb2Sg", "GroupId"]}]}},
            "Lb2Sg": group(json!([open(80, 443)]))
        }),
        &["Lb2Sg", "LbSsh", "OpenApp", "OpenV6"],
    );
    // Internal load balancers' groups may not be open either, nor may
    // anything be when the template has no public load balancer.
    let report = check(json!({
        "Internal": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {
            "Scheme": "internal", "SecurityGroups": [{"Fn::GetAtt": ["InSg", "GroupId"]}]}},
        "InSg": group(json!([open(443, 443)])),
        "Rule": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
            "GroupId": "sg-1", "CidrIp": "0.0.0.0/0", "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}}
    }));
    assert_fails(&report, rule, &["InSg", "Rule"]);
}

#[test]
fn log_groups_set_retention() {
    case(
        "LOG_GROUP_RETENTION_SET",
        json!({"Good": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 30}}}),
        json!({"Bad": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "/x"}}, "Bare": {"Type": "AWS::Logs::LogGroup"}}),
        &["Bad", "Bare"],
    );
}

#[test]
fn instances_require_imdsv2() {
    let tokens = |t: &str| json!({"HttpTokens": t, "HttpEndpoint": "enabled"});
    case(
        "LAUNCH_TEMPLATE_IMDSV2",
        json!({"Good": {"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": {"MetadataOptions": tokens("required")}}}}),
        json!({
            "Optional": {"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": {"MetadataOptions": tokens("optional")}}},
            "Unset": {"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": {"ImageId": "ami-1"}}}
        }),
        &["Optional", "Unset"],
    );
    case(
        "EC2_INSTANCE_IMDSV2",
        json!({
            "Own": {"Type": "AWS::EC2::Instance", "Properties": {"MetadataOptions": tokens("required")}},
            "FromTemplate": {"Type": "AWS::EC2::Instance", "Properties": {"LaunchTemplate": {"LaunchTemplateId": {"Ref": "Lt"}, "Version": "1"}}}
        }),
        json!({"Bad": {"Type": "AWS::EC2::Instance", "Properties": {"ImageId": "ami-1"}}}),
        &["Bad"],
    );
    case(
        "LAUNCH_CONFIGURATION_IMDSV2",
        json!({"Good": {"Type": "AWS::AutoScaling::LaunchConfiguration", "Properties": {"MetadataOptions": tokens("required")}}}),
        json!({"Bad": {"Type": "AWS::AutoScaling::LaunchConfiguration", "Properties": {"ImageId": "ami-1"}}}),
        &["Bad"],
    );
}

fn statement(action: Value, resource: Value) -> Value {
    json!({"Effect": "Allow", "Action": action, "Resource": resource})
}

#[test]
fn no_star_action_on_star_resource() {
    let rule = "IAM_NO_STAR_ACTION_ON_STAR_RESOURCE";
    let policy = |statements: Value| json!({"Type": "AWS::IAM::Policy", "Properties": {"PolicyName": "p", "PolicyDocument": {"Statement": statements}}});
    case(
        rule,
        json!({
            // A specific action on "*" (no resource-level permissions) is fine.
            "Tracing": policy(json!([statement(json!(["xray:PutTraceSegments"]), json!("*"))])),
            "Scoped": policy(json!([statement(json!("*"), json!("arn:aws:s3:::bucket/*"))])),
            "DenyAll": policy(json!([{"Effect": "Deny", "Action": "*", "Resource": "*"}])),
            "KeyAdmin": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {"Statement": [
                {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}]}}}
        }),
        json!({
            "Admin": policy(json!([statement(json!("*"), json!("*"))])),
            "Single": policy(json!(statement(json!(["s3:GetObject", "*"]), json!(["*"])))),
            "Managed": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {"Statement": [
                statement(json!("*"), json!(["arn:aws:s3:::b", "*"]))]}}},
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}, "Policies": [
                {"PolicyName": "inline", "PolicyDocument": {"Statement": [statement(json!("*"), json!("*"))]}}]}},
            "Bucket": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": "b", "PolicyDocument": {"Statement": [
                {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "*", "Resource": "*"}]}}},
            "OpenKey": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {"Statement": [
                {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "*", "Resource": "*"}]}}}
        }),
        &["Admin", "Bucket", "Managed", "OpenKey", "Role", "Single"],
    );
}
