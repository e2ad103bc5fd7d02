//! Cognito: seed 004's user pool and web client, seed 002's M2M client
//! with its resource server, domain and credentials secret, groups, an
//! identity pool, and the settings Cognito would reject, caught at synth.

use std::time::Duration;

use serde_json::{json, Value as Json};
use strata::cognito::*;
use strata::prelude::*;
use strata::secrets::SecretProps;

fn lid(t: &strata::StackArtifact, path: &str) -> String {
    t.logical_ids
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, l)| l.clone())
        .unwrap_or_else(|| panic!("no element at {path}"))
}

fn props(t: &strata::StackArtifact, path: &str) -> Json {
    t.template["Resources"][lid(t, path).as_str()]["Properties"].clone()
}

fn seed_004() -> UserPoolProps {
    UserPoolProps {
        user_pool_name: Some("investment-agent-users".into()),
        password_policy: PasswordPolicy {
            min_length: 12,
            ..Default::default()
        },
        mfa: Mfa::OptionalTotp,
        custom_attributes: vec![
            CustomAttribute::string("risk_profile", 32),
            CustomAttribute {
                name: "max_position".into(),
                kind: AttributeKind::Number {
                    min: 0,
                    max: 1_000_000,
                },
                mutable: true,
            },
        ],
        ..Default::default()
    }
}

#[test]
fn seed_004_user_pool_is_admin_only_with_a_strong_password_policy() {
    let app = App::new();
    let stack = app.stack("Auth", StackProps::default());
    let pool = UserPool::new(&stack, "Users", seed_004());
    pool.add_client(
        "Web",
        UserPoolClientProps::web(&["https://app.example.com/callback"]),
    );
    pool.add_group(
        "Analysts",
        UserPoolGroupProps {
            description: Some("Read-only analysts".into()),
            precedence: Some(10),
            ..Default::default()
        },
    );
    let a = app.synth().expect("valid");
    let t = &a.stacks[0];
    let res = &t.template["Resources"][lid(t, "Auth/Users/Resource").as_str()];
    assert_eq!(res["DeletionPolicy"], "Retain");
    assert_eq!(res["UpdateReplacePolicy"], "Retain");
    assert_eq!(
        res["Properties"],
        json!({
            "AccountRecoverySetting": {"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]},
            "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": true},
            "AutoVerifiedAttributes": ["email"],
            "DeletionProtection": "ACTIVE",
            "EnabledMfas": ["SOFTWARE_TOKEN_MFA"],
            "MfaConfiguration": "OPTIONAL",
            "Policies": {"PasswordPolicy": {
                "MinimumLength": 12,
                "RequireLowercase": true,
                "RequireNumbers": true,
                "RequireSymbols": true,
                "RequireUppercase": true,
                "TemporaryPasswordValidityDays": 7
            }},
            "Schema": [
                {"Mutable": true, "Name": "email", "Required": true},
                {"AttributeDataType": "String", "Mutable": true, "Name": "risk_profile", "StringAttributeConstraints": {"MaxLength": "32", "MinLength": "1"}},
                {"AttributeDataType": "Number", "Mutable": true, "Name": "max_position", "NumberAttributeConstraints": {"MaxValue": "1000000", "MinValue": "0"}}
            ],
            "UserPoolName": "investment-agent-users",
            "UsernameAttributes": ["email"],
            "UsernameConfiguration": {"CaseSensitive": false}
        })
    );
    let pool_id = json!({"Ref": lid(t, "Auth/Users/Resource")});
    assert_eq!(
        props(t, "Auth/Users/Web/Resource"),
        json!({
            "AccessTokenValidity": 60,
            "AllowedOAuthFlows": ["code"],
            "AllowedOAuthFlowsUserPoolClient": true,
            "AllowedOAuthScopes": ["openid", "email", "profile"],
            "CallbackURLs": ["https://app.example.com/callback"],
            "ClientName": "Web",
            "EnableTokenRevocation": true,
            "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            "GenerateSecret": false,
            "IdTokenValidity": 60,
            "PreventUserExistenceErrors": "ENABLED",
            "RefreshTokenValidity": 43200,
            "SupportedIdentityProviders": ["COGNITO"],
            "TokenValidityUnits": {"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "minutes"},
            "UserPoolId": pool_id
        })
    );
    assert_eq!(
        props(t, "Auth/Users/Analysts"),
        json!({"Description": "Read-only analysts", "GroupName": "Analysts", "Precedence": 10, "UserPoolId": pool_id})
    );
}

#[test]
fn seed_002_m2m_credentials_live_in_a_secret() {
    let app = App::new();
    let stack = app.stack("Auth", StackProps::default());
    let pool = UserPool::new(&stack, "Users", UserPoolProps::default());
    let api = pool.add_resource_server(
        "Api",
        ResourceServerProps {
            identifier: "agent-platform".into(),
            name: Some("Agent platform API".into()),
            scopes: vec![
                ("read".into(), "Read access".into()),
                ("write".into(), "Write access".into()),
            ],
        },
    );
    let domain = pool.add_domain("Domain", DomainKind::Prefix("agent-platform-dev".into()));
    let m2m = pool.add_client(
        "M2m",
        UserPoolClientProps {
            access_token_validity: Duration::from_secs(15 * 60),
            ..UserPoolClientProps::machine_to_machine(vec![
                api.oauth_scope("read"),
                api.oauth_scope("write"),
            ])
        },
    );
    m2m.store_credentials(&stack, "M2mCredentials", &domain, SecretProps::default());
    let a = app.synth().expect("valid");
    let t = &a.stacks[0];
    let server = lid(t, "Auth/Users/Api/Resource");
    assert_eq!(
        props(t, "Auth/Users/Api/Resource"),
        json!({
            "Identifier": "agent-platform",
            "Name": "Agent platform API",
            "Scopes": [{"ScopeDescription": "Read access", "ScopeName": "read"}, {"ScopeDescription": "Write access", "ScopeName": "write"}],
            "UserPoolId": {"Ref": lid(t, "Auth/Users/Resource")}
        })
    );
    let client = props(t, "Auth/Users/M2m/Resource");
    let scope =
        |s: &str| json!({"Fn::Sub": [format!("${{Server}}/{s}"), {"Server": {"Ref": server}}]});
    assert_eq!(client["AllowedOAuthFlows"], json!(["client_credentials"]));
    assert_eq!(
        client["AllowedOAuthScopes"],
        json!([scope("read"), scope("write")])
    );
    assert_eq!(client["GenerateSecret"], true);
    assert_eq!(client["AccessTokenValidity"], 15);
    assert!(client.get("ExplicitAuthFlows").is_none());
    assert_eq!(
        props(t, "Auth/Users/Domain/Resource"),
        json!({"Domain": "agent-platform-dev", "ManagedLoginVersion": 2, "UserPoolId": {"Ref": lid(t, "Auth/Users/Resource")}})
    );
    let client_id = lid(t, "Auth/Users/M2m/Resource");
    let secret = &t.template["Resources"][lid(t, "Auth/M2mCredentials/Resource").as_str()];
    assert_eq!(secret["DeletionPolicy"], "Retain");
    assert!(secret["Properties"].get("GenerateSecretString").is_none());
    assert_eq!(
        secret["Properties"]["SecretString"],
        json!({"Fn::Sub": [
            r#"{"client_id":"${ClientId}","client_secret":"${ClientSecret}","token_url":"${TokenUrl}","scopes":"${Scopes}"}"#,
            {
                "ClientId": {"Ref": client_id},
                "ClientSecret": {"Fn::GetAtt": [client_id, "ClientSecret"]},
                "TokenUrl": {"Fn::Sub": [
                    "https://${Domain}.auth.${AWS::Region}.amazoncognito.com/oauth2/token",
                    {"Domain": {"Ref": lid(t, "Auth/Users/Domain/Resource")}}
                ]},
                "Scopes": {"Fn::Join": [" ", [scope("read"), scope("write")]]}
            }
        ]})
    );
}

#[test]
fn an_identity_pool_gives_signed_in_users_the_authenticated_role() {
    let app = App::new();
    let stack = app.stack("Auth", StackProps::default());
    let pool = UserPool::new(&stack, "Users", UserPoolProps::default());
    let web = pool.add_client(
        "Web",
        UserPoolClientProps::web(&["https://app.example.com/"]),
    );
    IdentityPool::new(
        &stack,
        "Identities",
        IdentityPoolProps {
            user_pool_clients: vec![(pool, web)],
            ..Default::default()
        },
    );
    let a = app.synth().expect("valid");
    let t = &a.stacks[0];
    let id_pool = lid(t, "Auth/Identities/Resource");
    assert_eq!(
        props(t, "Auth/Identities/Resource"),
        json!({
            "AllowUnauthenticatedIdentities": false,
            "CognitoIdentityProviders": [{
                "ClientId": {"Ref": lid(t, "Auth/Users/Web/Resource")},
                "ProviderName": {"Fn::GetAtt": [lid(t, "Auth/Users/Resource"), "ProviderName"]},
                "ServerSideTokenCheck": false
            }]
        })
    );
    let trust = &props(t, "Auth/Identities/AuthenticatedRole/Resource")["AssumeRolePolicyDocument"]
        ["Statement"][0];
    assert_eq!(
        *trust,
        json!({
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
                "StringEquals": {"cognito-identity.amazonaws.com:aud": {"Ref": id_pool}}
            },
            "Effect": "Allow",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"}
        })
    );
    assert_eq!(
        props(t, "Auth/Identities/DefaultRoleAttachment"),
        json!({
            "IdentityPoolId": {"Ref": id_pool},
            "Roles": {
                "authenticated": {"Fn::GetAtt": [lid(t, "Auth/Identities/AuthenticatedRole/Resource"), "Arn"]},
                "unauthenticated": {"Fn::GetAtt": [lid(t, "Auth/Identities/UnauthenticatedRole/Resource"), "Arn"]}
            }
        })
    );
}

fn error_of(build: impl FnOnce(&Scope, &UserPool)) -> String {
    let app = App::new();
    let stack = app.stack("Auth", StackProps::default());
    let pool = UserPool::new(&stack, "Users", UserPoolProps::default());
    build(&stack, &pool);
    let err = app.synth().expect_err("must fail").to_string();
    assert!(err.contains("Auth/"), "{err}");
    err
}

#[test]
fn token_validity_out_of_range_is_a_synth_error() {
    let err = error_of(|_, pool| {
        pool.add_client(
            "Web",
            UserPoolClientProps {
                access_token_validity: Duration::from_secs(2 * 86_400),
                id_token_validity: Duration::from_secs(60),
                refresh_token_validity: Duration::from_secs(30 * 60),
                ..UserPoolClientProps::web(&["https://app.example.com/"])
            },
        );
    });
    assert!(err.contains("Auth/Users/Web"), "{err}");
    assert!(err.contains("the access token validity of 2880 minutes is out of range; use whole minutes from 5 minutes to 1 day"), "{err}");
    assert!(
        err.contains("the ID token validity of 1 minute is out of range"),
        "{err}"
    );
    assert!(err.contains("the refresh token validity of 30 minutes is out of range; use whole minutes from 60 minutes to 10 years"), "{err}");
    assert!(
        err.contains("the access token outlives the refresh token"),
        "{err}"
    );
}

#[test]
fn oauth_pools_and_domains_cognito_rejects_are_synth_errors() {
    let err = error_of(|stack, pool| {
        let api = pool.add_resource_server(
            "Api",
            ResourceServerProps {
                identifier: "api".into(),
                name: None,
                scopes: vec![("read".into(), "Read".into())],
            },
        );
        let m2m = pool.add_client(
            "M2m",
            UserPoolClientProps {
                generate_secret: false,
                ..UserPoolClientProps::machine_to_machine(vec![
                    api.oauth_scope("admin"),
                    OAuthScope::openid(),
                ])
            },
        );
        let domain = pool.add_domain("Domain", DomainKind::Prefix("my-cognito-login".into()));
        m2m.store_credentials(stack, "Creds", &domain, SecretProps::default());
        pool.add_client(
            "Spa",
            UserPoolClientProps {
                oauth: Some(OAuthSettings {
                    flows: vec![OAuthFlow::Implicit],
                    scopes: vec![OAuthScope::email()],
                    callback_urls: vec!["http://app.example.com/".into()],
                    logout_urls: Vec::new(),
                }),
                ..UserPoolClientProps::web(&[])
            },
        );
    });
    for expected in [
        "the resource server has no scope \"admin\"",
        "the client credentials flow needs a client secret",
        "the client credentials flow only grants resource server scopes",
        "the domain prefix \"my-cognito-login\" must be",
        "the client Auth/Users/M2m has no secret to store",
        "the email and profile scopes need the openid scope",
        "\"http://app.example.com/\" must use https",
    ] {
        assert!(err.contains(expected), "{expected}: {err}");
    }

    let app = App::new();
    let stack = app.stack("Auth", StackProps::default());
    UserPool::new(
        &stack,
        "Users",
        UserPoolProps {
            password_policy: PasswordPolicy {
                min_length: 4,
                ..Default::default()
            },
            custom_attributes: vec![
                CustomAttribute::string("custom:tenant", 10),
                CustomAttribute::string("tier", 4096),
                CustomAttribute::string("tier", 10),
            ],
            ..Default::default()
        },
    );
    let err = app.synth().expect_err("must fail").to_string();
    assert!(err.contains("Auth/Users"), "{err}");
    assert!(
        err.contains("a minimum password length of 4 is out of range; use 6 to 99"),
        "{err}"
    );
    assert!(
        err.contains("the custom attribute name \"custom:tenant\" must be"),
        "{err}"
    );
    assert!(
        err.contains("custom attribute \"tier\": string lengths 1 to 4096 are invalid"),
        "{err}"
    );
    assert!(
        err.contains("the custom attribute \"tier\" is defined twice"),
        "{err}"
    );
}
