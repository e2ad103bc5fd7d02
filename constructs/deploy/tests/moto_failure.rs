//! Against moto: a failing deploy (a subnet CIDR outside its VPC) exits
//! with an error naming the stack and the reason.

mod common;

use serde_json::json;
use strata_deploy::deploy;

#[test]
fn subnet_outside_its_vpc_fails_with_the_reason() {
    let Some(_moto) = common::start("subnet_outside_its_vpc_fails_with_the_reason") else {
        return;
    };
    let bad = json!({"Resources": {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
        "Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "192.168.1.0/24"}}}});
    let err = deploy(
        &common::assembly("failing", "Broken", &bad),
        &[],
        &common::yes(),
    )
    .expect_err("the deploy fails");
    let err = format!("{err:#}");
    assert!(err.contains("stack Broken"), "{err}");
    assert!(err.contains("192.168.1.0/24"), "{err}");
}
