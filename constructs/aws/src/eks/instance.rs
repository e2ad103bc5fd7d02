//! What an EC2 instance type runs: its processor architecture (Graviton
//! families carry a `g` after the generation, as `m7g` or `c7gn`) and its
//! accelerators, for matching node AMIs and machine images to it.

/// The processor architecture of an instance type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CpuArchitecture {
    /// Intel or AMD.
    X86_64,
    /// AWS Graviton.
    Arm64,
}

/// The accelerator an instance type carries, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accelerator {
    /// No accelerator.
    None,
    /// NVIDIA GPUs (`g*`, `p*` families).
    Nvidia,
    /// AWS Inferentia or Trainium (`inf*`, `trn*`).
    Neuron,
}

/// An EC2 instance type split into family and size, with what runs on it.
///
/// ```
/// use strata::eks::{CpuArchitecture, InstanceType};
/// let graviton = InstanceType::parse("m7g.xlarge").expect("a type");
/// assert_eq!(graviton.architecture(), CpuArchitecture::Arm64);
/// let intel = InstanceType::parse("r6i.2xlarge").expect("a type");
/// assert_eq!(intel.architecture(), CpuArchitecture::X86_64);
/// assert!(InstanceType::parse("large").is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceType {
    family: String,
    size: String,
}

impl InstanceType {
    /// `family.size`, such as `t3.medium`; `None` when the text has no such shape.
    pub fn parse(text: &str) -> Option<InstanceType> {
        let (family, size) = text.split_once('.')?;
        let ok = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        };
        let has_generation = family.chars().any(|c| c.is_ascii_digit());
        (ok(family) && ok(size) && has_generation && !size.contains('.')).then(|| InstanceType {
            family: family.to_string(),
            size: size.to_string(),
        })
    }

    /// The family, such as `m7g`.
    pub fn family(&self) -> &str {
        &self.family
    }

    /// The size, such as `xlarge`.
    pub fn size(&self) -> &str {
        &self.size
    }

    /// The series letters before the generation digit (`m` in `m7g`, `im` in `im4gn`).
    fn series(&self) -> &str {
        let end = self
            .family
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(self.family.len());
        &self.family[..end]
    }

    /// The attribute letters after the generation (`g` in `m7g`, `gn` in `c7gn`).
    fn attributes(&self) -> &str {
        let start = self
            .family
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(self.family.len());
        let rest = &self.family[start..];
        rest.trim_start_matches(|c: char| c.is_ascii_digit())
    }

    /// Graviton for `a1` and for families whose attributes start with `g`.
    pub fn architecture(&self) -> CpuArchitecture {
        if self.family == "a1" || self.attributes().starts_with('g') {
            CpuArchitecture::Arm64
        } else {
            CpuArchitecture::X86_64
        }
    }

    /// The accelerator of the family.
    pub fn accelerator(&self) -> Accelerator {
        match self.series() {
            "g" | "p" | "gr" => Accelerator::Nvidia,
            "inf" | "trn" => Accelerator::Neuron,
            _ => Accelerator::None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arch(t: &str) -> CpuArchitecture {
        InstanceType::parse(t)
            .map(|i| i.architecture())
            .unwrap_or(CpuArchitecture::X86_64)
    }

    #[test]
    fn graviton_families_are_arm() {
        for t in [
            "t4g.medium",
            "m6g.large",
            "c7gn.xlarge",
            "r6gd.2xlarge",
            "im4gn.large",
            "is4gen.xlarge",
            "x2gd.large",
            "g5g.xlarge",
            "a1.large",
            "m8g.48xlarge",
        ] {
            assert_eq!(arch(t), CpuArchitecture::Arm64, "{t}");
        }
        for t in [
            "t3.medium",
            "t3a.xlarge",
            "r6i.2xlarge",
            "m7i-flex.large",
            "g5.xlarge",
            "p4d.24xlarge",
            "inf2.xlarge",
            "c6in.large",
        ] {
            assert_eq!(arch(t), CpuArchitecture::X86_64, "{t}");
        }
    }

    #[test]
    fn accelerators_by_series() {
        let acc = |t: &str| InstanceType::parse(t).map(|i| i.accelerator());
        assert_eq!(acc("g5.xlarge"), Some(Accelerator::Nvidia));
        assert_eq!(acc("p5.48xlarge"), Some(Accelerator::Nvidia));
        assert_eq!(acc("trn1.2xlarge"), Some(Accelerator::Neuron));
        assert_eq!(acc("m5.large"), Some(Accelerator::None));
    }
}
